import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  });
}
