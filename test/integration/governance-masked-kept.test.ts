import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { sanitizedProject } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

// dev_* are sanitized; review_y is not.
const MASKING = `{ 'raw.customers.email': 'hash' }`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`tables built from masked values stay in environments masked alike on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
    const record = async (env: string) => JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = '${env}'`))[0].payload));
    const snapshotOf = async (env: string, model: string) => {
      const id = (await record(env)).snapshots[model];
      return JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.snapshots WHERE id = '${id}'`))[0].payload));
    };
    const contacts = async (relation: string) => (await e.sql(`SELECT contact FROM ${relation} ORDER BY customer_id`)).map((r) => String(r.contact));
    const real = async () => (await e.sql('SELECT email FROM analytics.customers ORDER BY customer_id')).map((r) => String(r.email));
    beforeEach(async () => {
      e = await sanitizedProject(engine, MASKING);
      // A breaking change dev_x builds from the masked source: a table of hashes (`<version>__m<tag>`).
      e.project.edit('models/analytics/customers.sql', 'c.email,', 'c.email,\n  c.email AS contact,');
      const planned = await cli('plan', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      expect((await snapshotOf('dev_x', 'analytics.customers')).id).toMatch(/__m[0-9a-f]+$/);
    });
    afterEach(() => e.cleanup());

    it("refuses an unsanitized environment that would keep a sanitized one's masked tables (exit 1), creating nothing", async () => {
      const before = await e.objects();
      const refused = await cli('plan', 'review_y', '--create-from', 'dev_x', '--exclude', 'analytics.customers', '--auto-apply');
      expect(refused.code, refused.text).toBe(1);
      expect(refused.text).toContain("environment 'review_y' is not sanitized, but the plan would keep dev_x's tables built from masked values for analytics.customers; nothing was planned");
      expect(refused.text).toContain("select that model too so it is built from the real values, or create 'review_y' from an unsanitized environment");
      expect(await e.sql(`SELECT name FROM planner_state.environments WHERE name = 'review_y'`)).toEqual([]);
      expect(await e.objects()).toEqual(before);
    });

    it('builds the model again from the real values for an unsanitized environment created from a sanitized one, which then promotes to prod as it is', async () => {
      const planned = await cli('plan', 'review_y', '--create-from', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      expect(planned.text).toContain('~ analytics.customers  non-breaking  (its table holds values read through masks: built again for this environment)');
      const review = await snapshotOf('review_y', 'analytics.customers');
      expect(review.id).not.toMatch(/__m/);
      expect(Object.values((await record('review_y')).snapshots).filter((id) => /__m/.test(String(id)))).toEqual([]);
      expect(await contacts('analytics__review_y.customers')).toEqual(await real());
      // dev_x still shows hashes, from its own table.
      expect((await contacts('analytics__dev_x.customers')).some((c) => c.includes('@'))).toBe(false);
      // Prod promotes review_y's table: nothing is computed again.
      const promoted = await cli('plan', 'prod', '--auto-apply');
      expect(promoted.code, promoted.text).toBe(0);
      expect((await snapshotOf('prod', 'analytics.customers')).physical).toEqual(review.physical);
      expect(await contacts('analytics.customers')).toEqual(await real());
    });

    it("keeps a metadata edit of a masked build masked, and prod never reads dev_x's masked table", async () => {
      e.project.edit('models/analytics/customers.sql', 'owner analytics_team,', 'owner someone_else,');
      const edited = await cli('plan', 'dev_x', '--auto-apply');
      expect(edited.code, edited.text).toBe(0);
      expect(edited.text).toContain('changed: owner; no data change, its table holds values read through masks: built again for this environment');
      const dev = await snapshotOf('dev_x', 'analytics.customers');
      expect(dev.id).toMatch(/__m[0-9a-f]+$/);
      expect((await e.sql(`SELECT contact FROM "${dev.physical.schema}"."${dev.physical.table}"`)).some((r) => String(r.contact).includes('@'))).toBe(false);
      const promoted = await cli('plan', 'prod', '--auto-apply');
      expect(promoted.code, promoted.text).toBe(0);
      const prod = await snapshotOf('prod', 'analytics.customers');
      expect(prod.version).not.toMatch(/__m/);
      expect(await contacts('analytics.customers')).toEqual(await real());
    });

    it('builds the masked tables again from the real values when the environment stops being sanitized', async () => {
      e.project.edit('planner.config.ts', 'sanitized: true', 'sanitized: false');
      // With --exclude the plan would keep the masked table itself: refused.
      const refused = await cli('plan', 'dev_x', '--exclude', 'analytics.customers', '--auto-apply');
      expect(refused.code, refused.text).toBe(1);
      expect(refused.text).toContain("environment 'dev_x' is not sanitized, but the plan would keep its tables built from masked values for analytics.customers; nothing was planned");
      expect((await snapshotOf('dev_x', 'analytics.customers')).id).toMatch(/__m/);
      const planned = await cli('plan', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      expect((await snapshotOf('dev_x', 'analytics.customers')).id).not.toMatch(/__m/);
      expect(await contacts('analytics__dev_x.customers')).toEqual(await real());
    });
  });
}
