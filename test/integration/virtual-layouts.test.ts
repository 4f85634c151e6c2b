import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invalidateEnvironment } from '../../src/lifecycle/invalidate.js';
import { verifyState } from '../../src/lifecycle/verify.js';
import { InjectedFailure } from '../../src/plan/crash-points.js';
import { modelViewName, VIRTUAL_LAYOUTS, type VirtualLayout } from '../../src/snapshot/virtual-names.js';
import { existsSync } from 'node:fs';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { TempProject } from '../helpers/project.js';
import { LAYOUT_MODEL_NAMES, layoutProject, setLayout, viewTargets } from '../helpers/layout-project.js';
import { postgresServer } from '../helpers/postgres.js';

const next = (layout: VirtualLayout) => VIRTUAL_LAYOUTS[(VIRTUAL_LAYOUTS.indexOf(layout) + 1) % VIRTUAL_LAYOUTS.length];

for (const engine of engineCases(await postgresServer())) {
  describe.skipIf(!engine.available)(`virtual layouts on ${engine.name}`, () => {
    for (const layout of VIRTUAL_LAYOUTS) {
      describe(layout, () => {
        let env: EngineProject;
        beforeEach(async () => {
          env = await layoutProject(engine, layout);
        });
        afterEach(() => env.cleanup());

        it('a new environment answers every model, its unchanged views read prod tables, promotion builds nothing, a layout change moves every view atomically', { timeout: 180_000 }, async () => {
          await env.project.planAndApply('prod');
          env.project.edit('models/marts/revenue.sql', 'GROUP BY customer_id', 'WHERE amount > 5 GROUP BY customer_id');
          const { plan, result } = await env.project.planAndApply('dev__alice');
          expect([...plan.views].sort()).toEqual(LAYOUT_MODEL_NAMES);
          expect(plan.viewSharing).toEqual({ with: 'prod', shared: 3, own: 1 });
          expect(result.built).toHaveLength(1);

          // In the catalog: every view exists where the layout puts it; unchanged ones read prod's very tables.
          const prodTables = await viewTargets(env, 'prod', layout);
          const devTables = await viewTargets(env, 'dev__alice', layout);
          for (const m of LAYOUT_MODEL_NAMES) {
            expect(devTables[m], m).toBeDefined();
            if (m === 'marts.revenue') expect(devTables[m]).not.toEqual(prodTables[m]);
            else expect(devTables[m], m).toEqual(prodTables[m]);
          }
          const revenue = modelViewName('marts.revenue', 'dev__alice', layout);
          expect(await env.sql(`SELECT customer_id, total FROM "${revenue.schema}"."${revenue.table}" ORDER BY 1`)).toEqual([{ customer_id: 1, total: expect.anything() }]);
          if (layout === 'environment-schema') {
            const listed = await env.sql(`SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'dev__alice' ORDER BY 1`);
            expect(listed.map((r) => `${r.table_name} ${r.table_type}`)).toEqual(['customers VIEW', 'order_count VIEW', 'orders VIEW', 'revenue VIEW']);
          }

          const promoted = await env.project.planAndApply('prod');
          expect(promoted.plan.builds).toEqual([]);
          expect(promoted.result.built).toEqual([]);
          expect((await viewTargets(env, 'prod', layout))['marts.revenue']).toEqual(devTables['marts.revenue']);

          // Switching the layout: the next plan of dev__alice moves every view, or none if it fails.
          const before = await env.objects();
          const moved = next(layout);
          setLayout(env, moved);
          process.env.PLANNER_TEST_FAIL_AT = 'before-commit';
          try {
            await expect(env.project.planAndApply('dev__alice')).rejects.toBeInstanceOf(InjectedFailure);
          } finally {
            delete process.env.PLANNER_TEST_FAIL_AT;
          }
          expect(await env.objects()).toEqual(before);
          const again = await env.project.planAndApply('dev__alice');
          expect(again.plan.previousLayout).toBe(layout);
          expect(again.plan.builds).toEqual([]);
          expect([...again.plan.viewChanges.drop].sort()).toEqual(LAYOUT_MODEL_NAMES);
          expect(Object.values(await viewTargets(env, 'dev__alice', layout)).filter(Boolean)).toEqual([]);
          expect(await viewTargets(env, 'dev__alice', moved)).toEqual(devTables);
          if (layout !== 'table-suffix') {
            // The old layout's schemas were the environment's own: they went with its views.
            const schemata = (await env.sql('SELECT schema_name FROM information_schema.schemata')).map((r) => String(r.schema_name));
            const old = new Set(LAYOUT_MODEL_NAMES.map((m) => modelViewName(m, 'dev__alice', layout).schema));
            expect(schemata.filter((s) => old.has(s))).toEqual([]);
          }
          const verify = () => env.project.with((ctx) => verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() }));
          const report = await verify();
          expect(report.problems).toEqual([]);
          // verify knows the old layout too: a view left where it put one is reported.
          const stale = modelViewName('shop.orders', 'dev__alice', layout);
          await env.sql(`CREATE SCHEMA IF NOT EXISTS "${stale.schema}"`);
          await env.sql(`CREATE VIEW "${stale.schema}"."${stale.table}" AS SELECT * FROM ${devTables['shop.orders']![0]}`);
          expect((await verify()).problems.map((p) => [p.code, p.object])).toEqual([['old_layout_view', `${stale.schema}.${stale.table}`]]);
          await env.sql(`DROP VIEW "${stale.schema}"."${stale.table}"`);
          expect(report.environments.find((e) => e.name === 'dev__alice')?.layout).toBe(moved);

          // Expired and cleaned up: no view of dev__alice is left in any layout.
          await env.project.with(async (ctx) => {
            await invalidateEnvironment(ctx.state, await ctx.requireEnvironment('dev__alice'), ctx.now().getTime());
            expect((await ctx.janitor()).failures).toEqual([]);
          });
          for (const l of VIRTUAL_LAYOUTS) expect(Object.values(await viewTargets(env, 'dev__alice', l)).filter(Boolean)).toEqual([]);
        });
      });
    }
  });
}

describe('environment-schema refuses what cannot share one schema', () => {
  it('exits 2 naming both files of a table-name clash, and an environment named like a model schema, changing nothing', async () => {
    const project = new TempProject();
    try {
      project.edit('planner.config.ts', 'export default defineConfig({', "export default defineConfig({\n  virtualLayout: 'environment-schema',");
      const clash = await runCli(['plan', 'dev__alice', '--dry-run', '-p', project.dir]);
      expect(clash.code).toBe(2);
      expect(clash.text).toMatch(/models analytics\.customers \(.*models\/analytics\/customers\.sql\) and raw\.customers \(.*models\/raw\/customers\.sql\) both need the view dev__alice\.customers/);
      expect(clash.text).toContain("'schema-suffix' or 'table-suffix'");
      const named = await runCli(['plan', 'analytics', '--dry-run', '-p', project.dir]);
      expect(named.code).toBe(2);
      expect(named.text).toContain("environment 'analytics' is named like the model schema 'analytics'");
      expect(existsSync(project.path('.planner/warehouse.duckdb')) ? await project.with((ctx) => ctx.state.listEnvironments()) : []).toEqual([]);
    } finally {
      project.remove();
    }
  });
});

describe('table-suffix refuses a view named like another model', () => {
  const duckdb = engineCases({ available: false, note: '' })[0];
  const clashing = `MODEL (name shop.orders__dev, kind FULL);
SELECT 1 AS id`;
  let env: EngineProject;
  beforeEach(async () => {
    env = await layoutProject(duckdb, 'table-suffix');
  });
  afterEach(() => env.cleanup());
  const cli = (args: string[]) => runCli([...args, '-p', env.project.dir]);

  it("exits 2 when dev's view of shop.orders would be prod's view of a model shop.orders__dev, changing nothing", async () => {
    env.project.write('models/shop/orders__dev.sql', clashing);
    expect((await cli(['plan', '--yes'])).code).toBe(0);
    const before = await env.objects();
    const clash = await cli(['plan', 'dev', '--yes']);
    expect(clash.code).toBe(2);
    expect(clash.text).toMatch(/models shop\.orders__dev \(models\/shop\/orders__dev\.sql\) and shop\.orders \(models\/shop\/orders\.sql\) both need the view shop\.orders__dev/);
    expect(clash.text).toContain("'schema-suffix' or 'environment-schema'");
    expect(clash.text).not.toMatch(/\n\s+at /);
    expect(await env.objects()).toEqual(before);
    expect(await env.project.with((ctx) => ctx.state.getEnvironment('dev'))).toBeUndefined();
  });

  it("exits 2 when prod would add a model whose view is dev's view of shop.orders, changing nothing", async () => {
    expect((await cli(['plan', '--yes'])).code).toBe(0);
    expect((await cli(['plan', 'dev', '--yes'])).code).toBe(0);
    const before = await env.objects();
    env.project.write('models/shop/orders__dev.sql', clashing);
    const clash = await cli(['plan', '--yes']);
    expect(clash.code).toBe(2);
    expect(clash.text).toMatch(/models shop\.orders__dev \(models\/shop\/orders__dev\.sql\) and shop\.orders \(models\/shop\/orders\.sql\) both need the view shop\.orders__dev: prod's view of shop\.orders__dev, and environment dev's view of shop\.orders/);
    expect(await env.objects()).toEqual(before);
    expect(Object.keys((await env.project.with((ctx) => ctx.state.getEnvironment('prod')))!.snapshots)).not.toContain('shop.orders__dev');
  });
});
