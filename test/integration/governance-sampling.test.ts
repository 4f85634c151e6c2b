import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`sampled environments on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
    const count = async (table: string) => Number((await e.sql(`SELECT count(*) AS n FROM ${table}`))[0].n);
    beforeEach(async () => {
      e = await engine.setup();
      e.project.edit('planner.config.ts', "'dev_*': { ttl: '7d' }", "'dev_*': { ttl: '7d', sample: { rows: 3 } }");
      await e.project.planAndApply('prod');
    });
    afterEach(() => e.cleanup());

    it("builds the environment from the same few source rows, into tables of its own; prod's tables and plans are untouched", async () => {
      const prodTables = (await e.objects()).filter((o) => o.startsWith('planner__'));
      const prodCustomers = await count('staging.customers');
      const planned = await cli('plan', 'dev_s', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      expect(planned.text).toContain('Environment dev_s is sampled: its models read at most 3 rows of each SEED and EXTERNAL source');
      expect(await count('staging__dev_s.customers')).toBe(3);
      expect(await count('staging.customers')).toBe(prodCustomers);
      // The rows whose grain hashes lowest, the same on every build.
      const expected = await e.sql('SELECT id FROM raw.customers ORDER BY md5(CAST(id AS VARCHAR)) LIMIT 3');
      const got = await e.sql('SELECT customer_id FROM staging__dev_s.customers');
      expect(got.map((r) => Number(r.customer_id)).sort()).toEqual(expected.map((r) => Number(r.id)).sort());
      // Every table it built is new: prod's are all still there, and none of them is dev_s's.
      const after = (await e.objects()).filter((o) => o.startsWith('planner__'));
      expect(after).toEqual(expect.arrayContaining(prodTables));
      expect(after.length).toBeGreaterThan(prodTables.length);
      const devIds = Object.values(JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'dev_s'`))[0].payload)).snapshots as Record<string, string>);
      const prodIds = Object.values(JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'prod'`))[0].payload)).snapshots as Record<string, string>);
      expect(devIds.filter((id) => id.startsWith('staging.') && prodIds.includes(id))).toEqual([]);
      // Prod planned from the same project sees nothing to do: sampled versions never reach it.
      expect((await cli('plan', 'prod', '--dry-run')).text).toContain('No changes');
    });

    it('refuses a sampled environment as evidence for prod (exit 2), writing no file', async () => {
      breakOrderTotals(e.project);
      expect((await cli('plan', 'dev_s', '--auto-apply')).code).toBe(0);
      const file = e.project.path('release.json');
      const refused = await cli('plan', 'prod', '--out', file, '--evidence-from', 'dev_s');
      expect(refused.code).toBe(2);
      expect(refused.text).toContain("environment 'dev_s' is sampled (3 rows per source), so it is no evidence for 'prod'");
      expect((await import('node:fs')).existsSync(file)).toBe(false);
    });
  });
}
