import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { physicalOf, sanitizedProject } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

// raw.customers masks its own email; analytics.customers masks a name it computes from unmasked parents.
const MASKING = `{
    'raw.customers.email': 'hash',
    'analytics.customers.customer_name': { partial: { first: 1 } },
  }`;

const SIGNUPS = `MODEL (
  name analytics.signups,
  kind INCREMENTAL_BY_TIME_RANGE (time_column signup_date),
  start '2023-01-01',
  grain id
);

SELECT id, name AS contact_name, signup_date FROM raw.customers WHERE signup_date BETWEEN @start_ds AND @end_ds;
`;

// A VIEW and an SCD Type 2 model reading the unmasked name: each masks it in its own build.
const CONTACTS = `MODEL (name analytics.contacts, kind VIEW, grain id);

SELECT id, name AS contact_name FROM raw.customers;
`;
const HISTORY = `MODEL (
  name analytics.customer_history,
  kind SCD_TYPE_2_BY_COLUMN (unique_key [id], columns [country]),
  grain id
);

SELECT id, name AS contact_name, country FROM raw.customers;
`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`a model's own masks on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
    beforeEach(async () => {
      e = await sanitizedProject(engine, MASKING);
    });
    afterEach(() => e.cleanup());

    it('a changed SEED writes its masked column masked into a table of its own, its view does not hash it again, prod builds its own with the real values', async () => {
      const prodCustomers = await physicalOf(e, 'prod', 'raw.customers');
      const prodOrders = await physicalOf(e, 'prod', 'raw.orders');
      e.project.write('seeds/customers.csv', `${e.project.read('seeds/customers.csv').trimEnd()}\n99,Zoe New,zoe.new@mail.example.org,NL,2024-02-01\n`);
      const planned = await cli('plan', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);

      const devCustomers = await physicalOf(e, 'dev_x', 'raw.customers');
      expect(devCustomers).toContain('__m');
      expect(devCustomers).not.toBe(prodCustomers);
      // The table itself: the hash of each real email, nothing else.
      const table = await e.sql(`SELECT id, name, email FROM ${devCustomers} ORDER BY id`);
      const real = await e.sql(`SELECT id, name, md5(CAST(email AS VARCHAR)) AS email FROM ${prodCustomers} ORDER BY id`);
      expect(table).toEqual([...real, { id: 99, name: 'Zoe New', email: (await e.sql(`SELECT md5('zoe.new@mail.example.org') AS h`))[0].h }]);
      expect(JSON.stringify(table)).not.toContain('@');
      // The environment's view shows the table's hashes as they are, like every other view of dev_x.
      expect(await e.sql('SELECT id, name, email FROM raw__dev_x.customers ORDER BY id')).toEqual(table);
      // Every table dev_x built holds no email.
      const builtForDev = (await e.objects()).filter((o) => o.includes('__m') && o.startsWith('planner__')).map((o) => o.split(' ')[0]);
      expect(builtForDev.length).toBeGreaterThan(1);
      for (const relation of builtForDev) expect(JSON.stringify(await e.sql(`SELECT * FROM ${relation.replace(/^([^.]+)\.(.+)$/, '"$1"."$2"')}`)), relation).not.toContain('@');
      // Unchanged models stay prod's tables behind views; prod reads the real emails.
      expect(await physicalOf(e, 'dev_x', 'raw.orders')).toBe(prodOrders);
      expect(await physicalOf(e, 'prod', 'raw.customers')).toBe(prodCustomers);
      expect(String((await e.sql('SELECT email FROM raw.customers ORDER BY id LIMIT 1'))[0].email)).toContain('@');

      const promoted = await cli('plan', 'prod', '--auto-apply');
      expect(promoted.code, promoted.text).toBe(0);
      const released = await physicalOf(e, 'prod', 'raw.customers');
      expect([prodCustomers, devCustomers]).not.toContain(released);
      const emails = (await e.sql(`SELECT email FROM ${released} ORDER BY id`)).map((r) => String(r.email));
      expect(emails).toHaveLength(table.length);
      expect(emails.every((m) => m.includes('@'))).toBe(true);
      expect(JSON.stringify(await e.sql(`SELECT * FROM ${devCustomers}`))).not.toContain('@');
    });

    it('FULL and incremental builds mask the columns they compute from unmasked parents; a mask on a column the kind lands batches by is refused (exit 2)', async () => {
      e.project.write('models/analytics/signups.sql', SIGNUPS);
      e.project.edit('models/analytics/customers.sql', 'c.email,', 'c.email,\n  c.country_code AS home_country,');
      e.project.edit('planner.config.ts', "'raw.customers.email': 'hash',", "'raw.customers.email': 'hash', 'analytics.signups.signup_date': 'hash',");
      const before = await e.objects();
      const refused = await cli('plan', 'dev_x', '--auto-apply');
      expect(refused.code, refused.text).toBe(2);
      expect(refused.text).toContain("model analytics.signups cannot be built in a sanitized environment: its build masks column 'signup_date', which its kind's time_column names");
      expect(await e.objects()).toEqual(before);

      e.project.edit('planner.config.ts', "'analytics.signups.signup_date': 'hash'", "'analytics.signups.contact_name': 'redact'");
      const planned = await cli('plan', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      const names = (await e.sql('SELECT id, name FROM raw.customers ORDER BY id')).map((r) => String(r.name).trim());

      const devCustomers = await physicalOf(e, 'dev_x', 'analytics.customers');
      expect(devCustomers).toContain('__m');
      const customers = await e.sql(`SELECT customer_id, customer_name, home_country FROM ${devCustomers} ORDER BY customer_id`);
      expect(customers.map((r) => r.customer_name)).toEqual(names.map((n) => `${n[0]}***`));
      expect(customers.every((r) => typeof r.home_country === 'string' && r.home_country.length === 2)).toBe(true);
      expect(await e.sql('SELECT customer_id, customer_name, home_country FROM analytics__dev_x.customers ORDER BY customer_id')).toEqual(customers);

      const devSignups = await physicalOf(e, 'dev_x', 'analytics.signups');
      expect(devSignups).toContain('__m');
      const signups = await e.sql(`SELECT id, contact_name, CAST(signup_date AS VARCHAR) AS signup_date FROM ${devSignups} ORDER BY id`);
      expect(signups).toHaveLength(names.length);
      expect(signups.every((r) => r.contact_name === '[redacted]' && /^\d{4}-\d\d-\d\d$/.test(String(r.signup_date)))).toBe(true);
      expect(await e.sql('SELECT id, contact_name, CAST(signup_date AS VARCHAR) AS signup_date FROM analytics__dev_x.signups ORDER BY id')).toEqual(signups);

      const promoted = await cli('plan', 'prod', '--auto-apply');
      expect(promoted.code, promoted.text).toBe(0);
      expect(await physicalOf(e, 'prod', 'analytics.customers')).not.toBe(devCustomers);
      expect((await e.sql('SELECT customer_name FROM analytics.customers ORDER BY customer_id')).map((r) => r.customer_name)).toEqual(names);
      expect(await physicalOf(e, 'prod', 'analytics.signups')).not.toBe(devSignups);
      expect((await e.sql('SELECT contact_name FROM analytics.signups ORDER BY id')).map((r) => r.contact_name)).toEqual(names);
    });

    it('VIEW and SCD Type 2 builds mask their own columns as well', async () => {
      e.project.write('models/analytics/contacts.sql', CONTACTS);
      e.project.write('models/analytics/customer_history.sql', HISTORY);
      e.project.edit('planner.config.ts', "'raw.customers.email': 'hash',", "'raw.customers.email': 'hash', 'analytics.contacts.contact_name': 'hash', 'analytics.customer_history.contact_name': 'redact',");
      const planned = await cli('plan', 'dev_x', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      const hashes = await e.sql('SELECT id, md5(CAST(name AS VARCHAR)) AS contact_name FROM raw.customers ORDER BY id');

      const contacts = await physicalOf(e, 'dev_x', 'analytics.contacts');
      expect(contacts).toContain('__m');
      expect(await e.sql(`SELECT id, contact_name FROM ${contacts} ORDER BY id`)).toEqual(hashes);
      expect(await e.sql('SELECT id, contact_name FROM analytics__dev_x.contacts ORDER BY id')).toEqual(hashes);

      const history = await physicalOf(e, 'dev_x', 'analytics.customer_history');
      expect(history).toContain('__m');
      const rows = await e.sql(`SELECT id, contact_name, country, valid_to FROM ${history} ORDER BY id`);
      expect(rows).toHaveLength(hashes.length);
      expect(rows.every((r) => r.contact_name === '[redacted]' && typeof r.country === 'string' && r.valid_to === null)).toBe(true);
      expect(await e.sql('SELECT id, contact_name, country, valid_to FROM analytics__dev_x.customer_history ORDER BY id')).toEqual(rows);

      expect((await cli('plan', 'prod', '--auto-apply')).code).toBe(0);
      const names = (await e.sql('SELECT name FROM raw.customers ORDER BY id')).map((r) => r.name);
      expect((await e.sql('SELECT contact_name FROM analytics.contacts ORDER BY id')).map((r) => r.contact_name)).toEqual(names);
      expect((await e.sql('SELECT contact_name FROM analytics.customer_history ORDER BY id')).map((r) => r.contact_name)).toEqual(names);
    });
  });
}
