import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { breakOrderTotals, sanitizedProject } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

const MASKING = `{
    'raw.customers.email': 'hash',
    'staging.customers.email': 'hash',
    'analytics.customers.email': 'hash',
    'analytics.customers.customer_name': { partial: { first: 1 } },
  }`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`sanitized environments on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
    const physical = async () => (await e.objects()).filter((o) => o.startsWith('planner__'));
    const built = async () => Number((await e.sql('SELECT count(*) AS n FROM planner_state.physical_tables'))[0].n);
    beforeEach(async () => {
      e = await sanitizedProject(engine, MASKING);
    });
    afterEach(() => e.cleanup());

    it("masks the listed columns in every view of the environment, over prod's tables and over tables built for it; prod stays unmasked; switching masking off re-creates views and rebuilds only the tables built from masked values", async () => {
      breakOrderTotals(e.project);
      const before = { physical: await physical(), built: await built() };
      expect((await cli('plan', 'dev_x', '--auto-apply')).code).toBe(0);
      // Only the changed models were built (order_totals and what reads it): raw and staging are prod's tables behind masking views.
      const builtForDev = (await built()) - before.built;
      expect(builtForDev).toBeGreaterThan(0);

      const prodEmails = await e.sql('SELECT customer_id, email, customer_name FROM analytics.customers ORDER BY customer_id');
      expect(String(prodEmails[0].email)).toContain('@');
      const devCustomers = await e.sql('SELECT customer_id, email, customer_name FROM analytics__dev_x.customers ORDER BY customer_id');
      const hashes = await e.sql('SELECT customer_id, md5(CAST(email AS VARCHAR)) AS h, left(customer_name, 1) AS initial FROM analytics.customers ORDER BY customer_id');
      expect(devCustomers.map((r) => [r.customer_id, r.email, r.customer_name])).toEqual(hashes.map((r) => [r.customer_id, r.h, `${r.initial}***`]));
      for (const view of ['raw__dev_x.customers', 'staging__dev_x.customers']) {
        const rows = await e.sql(`SELECT email FROM ${view}`);
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => /^[0-9a-f]{32}$/.test(String(r.email)))).toBe(true);
      }
      // fetchdf in the environment reads its views: masked values.
      const fetched = await runCli(['fetchdf', 'SELECT email FROM staging.customers ORDER BY customer_id LIMIT 1', '--env', 'dev_x', '--json', '-p', e.project.dir]);
      expect(fetched.text).toMatch(/[0-9a-f]{32}/);
      expect(fetched.text).not.toContain('@');
      expect(JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'dev_x'`))[0].payload)).masks['staging.customers']).toEqual({ email: 'hash' });

      // Masking is the environment's metadata: off again, the views change and only the table built from masked values
      // (analytics.customers, which read staging.customers through its mask) is built again, from the real values.
      const physicalNow = await physical();
      const builtNow = await built();
      e.project.edit('planner.config.ts', 'sanitized: true', 'sanitized: false');
      const off = await cli('plan', 'dev_x', '--auto-apply');
      expect(off.code, off.text).toBe(0);
      expect(off.text).toContain('~ analytics.customers  non-breaking  (its table holds values read through masks: built again for this environment)');
      expect(await physical()).toEqual(expect.arrayContaining(physicalNow));
      expect(await built()).toBe(builtNow + 1);
      expect((await e.sql('SELECT email FROM staging__dev_x.customers ORDER BY customer_id LIMIT 1'))[0].email).toContain('@');
      expect((await e.sql('SELECT email FROM analytics__dev_x.customers ORDER BY customer_id LIMIT 1'))[0].email).toContain('@');
    });

    it('refuses a mask of a column the model does not output, or of an unknown model (exit 2), changing nothing', async () => {
      const before = await e.objects();
      e.project.edit('planner.config.ts', "'staging.customers.email': 'hash'", "'staging.customers.mail': 'hash'");
      const column = await cli('plan', 'dev_x', '--auto-apply');
      expect(column.code).toBe(2);
      expect(column.text).toContain("config key 'masking.staging.customers.mail' masks column 'mail', which model 'staging.customers' does not output");
    expect(column.text).toContain('planner.config.ts');
      e.project.edit('planner.config.ts', "'staging.customers.mail': 'hash'", "'staging.clients.email': 'hash'");
      const model = await cli('plan', 'dev_x', '--auto-apply');
      expect(model.code).toBe(2);
      expect(model.text).toContain("masks a column of 'staging.clients', which is not a model of the project");
      expect(await e.objects()).toEqual(before);
    });
  });
}
