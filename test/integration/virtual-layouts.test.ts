import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { physicalTablesRead, tableKey } from '../../src/lifecycle/catalog-references.js';
import { verifyState } from '../../src/lifecycle/verify.js';
import { InjectedFailure } from '../../src/plan/crash-points.js';
import { modelViewName, VIRTUAL_LAYOUTS, type VirtualLayout } from '../../src/snapshot/virtual-names.js';
import { engineCases, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { ROOT } from '../helpers/project.js';

/** Four models with distinct table names, so every layout (one schema per environment too) can hold them. */
export const LAYOUT_MODELS: Record<string, string> = {
  'models/shop/orders.sql': `MODEL (name shop.orders, kind FULL);
SELECT * FROM (VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5)) AS t(id, customer_id, amount)`,
  'models/shop/customers.sql': `MODEL (name shop.customers, kind VIEW);
SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) AS t(id, name)`,
  'models/marts/revenue.sql': `MODEL (name marts.revenue, kind FULL);
SELECT customer_id, SUM(amount) AS total FROM shop.orders GROUP BY customer_id`,
  'models/marts/order_count.sql': `MODEL (name marts.order_count, kind FULL);
SELECT COUNT(*) AS n FROM shop.orders`,
};
export const LAYOUT_MODEL_NAMES = ['marts.order_count', 'marts.revenue', 'shop.customers', 'shop.orders'];

/** A project of LAYOUT_MODELS on the engine, with `virtualLayout` set in its config. */
export async function layoutProject(engine: { setup: (source?: string, files?: string[]) => Promise<EngineProject> }, layout: VirtualLayout): Promise<EngineProject> {
  const env = await engine.setup(ROOT, []);
  for (const [path, text] of Object.entries(LAYOUT_MODELS)) {
    mkdirSync(dirname(env.project.path(path)), { recursive: true });
    writeFileSync(env.project.path(path), text);
  }
  setLayout(env, layout);
  return env;
}

export function setLayout(env: EngineProject, layout: VirtualLayout): void {
  const config = env.project.read('planner.config.ts').replace(/\n {2}virtualLayout: '[a-z-]+',/, '');
  env.project.write('planner.config.ts', config.replace('export default {', `export default {\n  virtualLayout: '${layout}',`));
}

/** The physical tables each view of `environment` reads, keyed by model, from the catalog. */
export async function viewTargets(env: EngineProject, environment: string, layout: VirtualLayout): Promise<Record<string, string[] | undefined>> {
  const objects = await env.project.with(async (ctx) => ctx.engine.listObjects());
  const byKey = new Map(objects.map((o) => [tableKey(o.name), o]));
  return Object.fromEntries(
    LAYOUT_MODEL_NAMES.map((m) => {
      const o = byKey.get(tableKey(modelViewName(m, environment, layout)));
      return [m, o?.type === 'view' ? physicalTablesRead(o.definition ?? '') : undefined];
    }),
  );
}

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

        it('a new environment answers every model, its unchanged views read prod tables, promotion builds nothing, a layout change moves every view atomically', async () => {
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
          const report = await env.project.with((ctx) => verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() }));
          expect(report.problems).toEqual([]);
          expect(report.environments.find((e) => e.name === 'dev__alice')?.layout).toBe(moved);
        });
      });
    }
  });
}
