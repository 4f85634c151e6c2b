import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSavedPlan, savedPlanText } from '../../src/plan/saved-plan.js';
import { engineCases, runCli as run, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`saved plans on ${engine.name}`, () => {
    let env: EngineProject;
    beforeEach(async () => {
      env = await engine.setup();
    });
    afterEach(() => env.cleanup());

    it('saves a plan without applying it, applies it later, and says so when it is applied again', async () => {
      const file = env.project.path('prod-plan.json');
      const saved = await run(['plan', 'prod', '--out', file, '-p', env.project.dir]);
      expect(saved.code).toBe(0);
      expect(saved.text).toContain(`planner apply ${file}`);
      expect((await env.objects()).filter((o) => !o.startsWith('planner_state.'))).toEqual([]);
      const planId = JSON.parse(readFileSync(file, 'utf8')).plan.id;

      const applied = await run(['apply', file, '-p', env.project.dir]);
      expect(applied.code).toBe(0);
      expect(applied.text).toContain(`Applied plan ${planId} to prod: built 12 tables`);
      const after = await env.objects();
      expect(after).toContain('analytics.customers view');

      const again = await run(['apply', file, '-p', env.project.dir]);
      expect(again.code).toBe(0);
      expect(again.text).toContain('already applied');
      expect(await env.objects()).toEqual(after);
    });

    it('refuses an altered plan file (exit 2) and a stale one (exit 1), doing nothing', async () => {
      await env.project.planAndApply('prod');
      env.project.edit('models/analytics/order_totals.sql', /GROUP BY/, "WHERE o.status = 'completed'\nGROUP BY");
      const file = env.project.path('dev.json');
      expect((await run(['plan', 'dev_alice', '--out', file, '-p', env.project.dir])).code).toBe(0);
      const before = await env.objects();

      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace(/"status = 'completed'/, `"status = 'pending'`).replace("o.status = 'completed'", "o.status = 'pending'"));
      expect(readFileSync(file, 'utf8')).not.toBe(original);
      const altered = await run(['apply', file, '-p', env.project.dir]);
      expect(altered.code).toBe(2);
      expect(altered.text).toMatch(/plan file was altered after it was saved/);
      expect(await env.objects()).toEqual(before);

      // Someone else applies dev_alice in between: the saved plan is now stale.
      writeFileSync(file, original);
      env.project.edit('models/analytics/daily_revenue.sql', 'GROUP BY order_date', 'GROUP BY order_date\nHAVING COUNT(*) > 0');
      await env.project.planAndApply('dev_alice');
      const between = await env.objects();
      const stale = await run(['apply', file, '-p', env.project.dir]);
      expect(stale.code).toBe(1);
      expect(stale.text).toMatch(/plan is stale, plan again/);
      expect(await env.objects()).toEqual(between);

      const json = await run(['apply', env.project.path('missing.json'), '--json', '-p', env.project.dir]);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.text).error.code).toBe('invalid_plan_file');
    });

    /**
     * Team guarantee: a saved plan is a promise, not a script. The file is edited and its
     * checksum recomputed, as anyone with the file can: apply re-derives the plan, refuses
     * (exit 1) and runs nothing; no SQL of the file ever reaches the warehouse or state.
     */
    it('refuses an edited and re-hashed plan file (exit 1), running nothing of it', async () => {
      await env.project.planAndApply('prod');
      env.project.edit('models/analytics/order_totals.sql', /GROUP BY/, "WHERE o.status = 'completed'\nGROUP BY");
      const file = env.project.path('dev.json');
      expect((await run(['plan', 'dev_bob', '--out', file, '-p', env.project.dir])).code).toBe(0);
      const honest = readSavedPlan(file);
      const forge = (edit: (plan: typeof honest.plan) => void) => {
        const plan = structuredClone(honest.plan);
        edit(plan);
        writeFileSync(file, savedPlanText(plan, honest.gateway, new Date(), honest.options));
      };
      const id = honest.plan.target['analytics.order_totals'];
      const before = await env.objects();
      const snapshotRows = async () => (await env.sql('SELECT id, payload FROM planner_state.snapshots')).map((r) => `${String(r.id)} ${String(r.payload)}`).sort();
      const rowsBefore = await snapshotRows();

      // The model's SQL swapped for a write into prod, under the genuine snapshot id and fingerprint.
      forge((plan) => {
        plan.snapshots[id].model.query = 'SELECT 1 AS forged';
      });
      const edited = await run(['apply', file, '-p', env.project.dir]);
      expect(edited.code, edited.text).toBe(1);
      expect(edited.text).toContain(`the saved plan is not what the project and state give now: model analytics.order_totals: the file's snapshot ${id} is not the one the project gives; nothing was done`);

      // Failing forged SQL, with a build list of its own: refused before anything runs.
      forge((plan) => {
        plan.snapshots[id].model.query = 'SELECT * FROM no_such_schema.no_such_table';
        plan.builds = [id];
      });
      const failing = await run(['apply', file, '-p', env.project.dir]);
      expect(failing.code, failing.text).toBe(1);
      expect(failing.text).toMatch(/the tables to build differ/);
      expect(await env.objects()).toEqual(before);
      expect(await snapshotRows()).toEqual(rowsBefore);

      // The honest file still applies, and what it records is the project's definition.
      writeFileSync(file, savedPlanText(honest.plan, honest.gateway, new Date(), honest.options));
      const applied = await run(['apply', file, '-p', env.project.dir]);
      expect(applied.code, applied.text).toBe(0);
      const [row] = await env.sql(`SELECT payload FROM planner_state.snapshots WHERE id = '${id}'`);
      expect(JSON.parse(String(row.payload)).model.query).toContain("o.status = 'completed'");
      expect(await env.objects()).toContain('analytics__dev_bob.order_totals view');
    });

    it('refuses a saved plan the project no longer gives (exit 1), nothing run', async () => {
      await env.project.planAndApply('prod');
      env.project.edit('models/analytics/order_totals.sql', /GROUP BY/, "WHERE o.status = 'completed'\nGROUP BY");
      const file = env.project.path('dev.json');
      expect((await run(['plan', 'dev_carol', '--out', file, '-p', env.project.dir])).code).toBe(0);
      env.project.edit('models/analytics/order_totals.sql', "o.status = 'completed'", "o.status = 'shipped'");
      const before = await env.objects();
      const r = await run(['apply', file, '-p', env.project.dir]);
      expect(r.code, r.text).toBe(1);
      expect(r.text).toMatch(/model analytics.order_totals: snapshot \S+ in the file, \S+ now/);
      expect(await env.objects()).toEqual(before);
    });
  });
}

describe('a saved plan for a protected prod that moved on (DuckDB)', () => {
  let env: EngineProject;
  beforeEach(async () => {
    env = await engineCases(server)[0].setup();
  });
  afterEach(() => env.cleanup());

  it('is refused as stale (exit 1) before the revert guard speaks, doing nothing', async () => {
    const bobEdit = ['GROUP BY order_date', 'GROUP BY order_date\nHAVING COUNT(*) > 0'] as const;
    const aliceEdit = [/GROUP BY/, "WHERE o.status = 'completed'\nGROUP BY"] as const;
    await env.project.planAndApply('prod');
    // Bob saves his change for prod; then Alice's change reaches prod first.
    env.project.edit('models/analytics/daily_revenue.sql', ...bobEdit);
    const file = env.project.path('bob-prod.json');
    expect((await run(['plan', 'prod', '--out', file, '-p', env.project.dir])).code).toBe(0);
    env.project.edit('models/analytics/daily_revenue.sql', bobEdit[1], bobEdit[0]);
    const beforeAlice = env.project.read('models/analytics/order_totals.sql');
    env.project.edit('models/analytics/order_totals.sql', ...aliceEdit);
    const alice = await env.project.planAndApply('prod');
    // Bob's checkout again: his change, and the order_totals prod replaced.
    env.project.write('models/analytics/order_totals.sql', beforeAlice);
    env.project.edit('models/analytics/daily_revenue.sql', ...bobEdit);
    const before = await env.objects();

    const stale = await run(['apply', file, '-p', env.project.dir]);
    expect(stale.code).toBe(1);
    expect(stale.text).toContain(`environment 'prod' changed since this plan was made (now at plan ${alice.plan.id}); plan is stale, plan again`);
    expect(stale.text).not.toContain('refusing to put back');
    expect(await env.objects()).toEqual(before);
    expect((await env.project.with((ctx) => ctx.state.getEnvironment('prod')))?.planId).toBe(alice.plan.id);
  });
});
