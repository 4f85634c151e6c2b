import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { physicalOf as physicalTableOf, sanitizedProject } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

// Only the source column is masked: every other place the email reaches is found by column lineage.
const MASKING = `{ 'raw.customers.email': 'hash' }`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`masks follow column lineage on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '-p', e.project.dir]);
    beforeEach(async () => {
      e = await sanitizedProject(engine, MASKING);
    });
    afterEach(() => e.cleanup());

    it("leaves no email readable in any relation of the sanitized environment (unchanged and changed downstream models), in fetchdf, table-diff or validate; prod keeps them", async () => {
      const emails = (await e.sql('SELECT email FROM raw.customers')).map((r) => String(r.email).toLowerCase());
      expect(emails.length).toBeGreaterThan(0);
      const leaks = (text: string) => text.includes('@') || emails.some((m) => text.toLowerCase().includes(m));
      // A changed downstream model derives a column from the email; staging.customers (lower(trim(email))) stays prod's table.
      e.project.edit('models/analytics/customers.sql', 'c.email,', 'c.email,\n  UPPER(c.email) AS email_upper,\n  c.email AS contact,');
      const planned = await cli('plan', 'dev_x', '--auto-apply', '--skip-tests');
      expect(planned.code, planned.text).toBe(0);
      expect(planned.text).toContain('Sanitized dev_x: column lineage also masks');
      expect(planned.text).toContain('analytics.customers: contact, email, email_upper');

      const relations = (await e.objects()).filter((o) => /__dev_x\./.test(o)).map((o) => o.split(' ')[0]);
      expect(relations).toEqual(expect.arrayContaining(['raw__dev_x.customers', 'staging__dev_x.customers', 'analytics__dev_x.customers']));
      for (const relation of relations) {
        const rows = await e.sql(`SELECT * FROM ${relation}`);
        expect(leaks(JSON.stringify(rows)), relation).toBe(false);
      }
      // Passed on as it is: the same mask; computed from it: NULL.
      const [row] = await e.sql('SELECT c.email, c.email_upper, c.contact, r.email AS raw_email FROM analytics__dev_x.customers AS c JOIN raw__dev_x.customers AS r ON r.id = c.customer_id ORDER BY c.customer_id LIMIT 1');
      expect(row.raw_email).toMatch(/^[0-9a-f]{32}$/);
      expect([row.email, row.email_upper, row.contact]).toEqual([null, null, null]);
      expect((await e.sql('SELECT email FROM staging__dev_x.customers WHERE email IS NOT NULL')).length).toBe(0);
      // Prod reads the real values, from the very tables the environment's views read.
      expect(String((await e.sql('SELECT email FROM analytics.customers ORDER BY customer_id LIMIT 1'))[0].email)).toContain('@');

      const fetched = await cli('fetchdf', 'SELECT * FROM analytics.customers ORDER BY customer_id', '--env', 'dev_x', '--json');
      expect(fetched.code, fetched.text).toBe(0);
      expect(fetched.text).toContain('customer_id');
      expect(leaks(fetched.text)).toBe(false);

      const diff = await cli('table-diff', 'analytics.customers', 'dev_x', 'prod', '--show-sample');
      expect(diff.code, diff.text).toBe(0);
      expect(diff.text).toContain('customer_id');
      expect(leaks(diff.text)).toBe(false);
      const staging = await cli('table-diff', 'staging.customers', 'dev_x', 'prod', '--show-sample');
      expect(leaks(staging.text)).toBe(false);

      const validated = await cli('validate', 'dev_x', '--against', 'prod', '--all', '--json');
      const report = JSON.parse(validated.text) as { models: { model: string; metrics: { rows: number; nullRates: Record<string, number> }; baseline: { metrics: { nullRates: Record<string, number> } } | null }[] };
      const customers = report.models.find((m) => m.model === 'analytics.customers')!;
      expect(customers.metrics.rows).toBe(emails.length);
      // Masked columns are left out on both sides: their NULL rates would be the masks'.
      expect(Object.keys(customers.metrics.nullRates)).toContain('customer_id');
      expect(Object.keys(customers.metrics.nullRates)).not.toContain('email');
      expect(Object.keys(customers.baseline!.metrics.nullRates)).not.toContain('email_upper');
      expect(leaks(validated.text)).toBe(false);
    });

    it('builds the changed models of the sanitized environment from masked parents, into tables prod never reuses', async () => {
      const emails = (await e.sql('SELECT email FROM raw.customers')).map((r) => String(r.email).toLowerCase());
      const leaks = (rows: unknown) => JSON.stringify(rows).includes('@') || emails.some((m) => JSON.stringify(rows).toLowerCase().includes(m));
      const physicalOf = (env: string, model: string) => physicalTableOf(e, env, model);
      const before = await physicalOf('prod', 'analytics.customers');
      // A changed downstream model, and a new one reading the masked source directly (a hash passes on as it is).
      e.project.edit('models/analytics/customers.sql', 'c.email,', 'c.email,\n  c.email AS contact,');
      e.project.write('models/analytics/contacts.sql', 'MODEL (name analytics.contacts, kind FULL, grain id);\n\nSELECT id, name, email AS contact FROM raw.customers;\n');
      const planned = await cli('plan', 'dev_x', '--auto-apply', '--skip-tests');
      expect(planned.code, planned.text).toBe(0);

      const devCustomers = await physicalOf('dev_x', 'analytics.customers');
      const devContacts = await physicalOf('dev_x', 'analytics.contacts');
      expect(devCustomers).not.toBe(before);
      for (const table of [devCustomers, devContacts]) {
        const rows = await e.sql(`SELECT * FROM ${table}`);
        expect(rows.length, table).toBe(emails.length);
        expect(leaks(rows), table).toBe(false);
      }
      const hashed = await e.sql(`SELECT contact FROM ${devContacts} ORDER BY id`);
      expect(hashed.every((r) => /^[0-9a-f]{32}$/.test(String(r.contact)))).toBe(true);
      expect((await e.sql(`SELECT email FROM ${devCustomers} WHERE email IS NOT NULL OR contact IS NOT NULL`)).length).toBe(0);
      // The environment's view reads the same hashes as the source's view: a hash is not hashed again.
      expect(await e.sql('SELECT contact FROM analytics__dev_x.contacts ORDER BY id')).toEqual(hashed);
      expect(hashed).toEqual((await e.sql('SELECT email AS contact FROM raw__dev_x.customers ORDER BY id')));
      // Prod is untouched and reads the real values.
      expect(await physicalOf('prod', 'analytics.customers')).toBe(before);
      expect(String((await e.sql('SELECT email FROM analytics.customers ORDER BY customer_id LIMIT 1'))[0].email)).toContain('@');

      // Promoting the change computes prod's own versions, from the real values.
      const promoted = await cli('plan', 'prod', '--auto-apply', '--skip-tests');
      expect(promoted.code, promoted.text).toBe(0);
      const prodCustomers = await physicalOf('prod', 'analytics.customers');
      const prodContacts = await physicalOf('prod', 'analytics.contacts');
      expect([prodCustomers, prodContacts]).not.toContain(devCustomers);
      expect([prodCustomers, prodContacts]).not.toContain(devContacts);
      expect(prodCustomers).not.toBe(before);
      expect(String((await e.sql(`SELECT contact FROM ${prodCustomers} ORDER BY customer_id LIMIT 1`))[0].contact)).toContain('@');
      expect((await e.sql('SELECT contact FROM analytics.contacts ORDER BY id')).map((r) => String(r.contact).toLowerCase())).toEqual(
        (await e.sql('SELECT email FROM raw.customers ORDER BY id')).map((r) => String(r.email).toLowerCase()),
      );
      // Dev's tables still hold masked values only.
      expect(leaks(await e.sql(`SELECT * FROM ${devContacts}`))).toBe(false);
      expect(leaks(await e.sql(`SELECT * FROM analytics__dev_x.customers`))).toBe(false);
    });

    it('masks every column of a model whose lineage cannot be followed, and says so in the recorded environment', async () => {
      e.project.edit('models/staging/customers.sql', 'FROM raw.customers;', 'FROM raw.customers AS r(id, name, email, country, signup_date);');
      const planned = await cli('plan', 'dev_x', '--auto-apply', '--skip-tests');
      expect(planned.code, planned.text).toBe(0);
      expect(planned.text).toContain("staging.customers: every column NULL (its query has 'r' renames its columns by position)");
      const rows = await e.sql('SELECT * FROM staging__dev_x.customers');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => Object.values(r).every((v) => v === null))).toBe(true);
      const recorded = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'dev_x'`))[0].payload));
      expect(recorded.masks['staging.customers']).toEqual({ '*': 'null' });
      expect(recorded.masks['analytics.customers']).toEqual({ '*': 'null' });
      expect(String((await e.sql('SELECT email FROM staging.customers LIMIT 1'))[0].email)).toContain('@');
    });
  });
}
