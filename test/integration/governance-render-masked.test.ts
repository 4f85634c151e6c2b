import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { sanitizedProject } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const MASKING = `{ 'raw.customers.email': 'hash' }`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`planner render in a sanitized environment on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '-p', e.project.dir]);
    const physicalOf = async (env: string, model: string) => {
      const record = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = '${env}'`))[0].payload));
      const snapshot = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.snapshots WHERE id = '${record.snapshots[model]}'`))[0].payload));
      return `"${snapshot.physical.schema}"."${snapshot.physical.table}"`;
    };
    beforeEach(async () => {
      e = await sanitizedProject(engine, MASKING);
      e.project.edit('models/analytics/customers.sql', 'c.email,', 'c.email,\n  c.email AS contact,');
      const planned = await cli('plan', 'dev_x', '--auto-apply', '--skip-tests');
      expect(planned.code, planned.text).toBe(0);
    });
    afterEach(() => e.cleanup());

    it('shows the query the masked build ran: parents read through their masks, the same rows as its table', async () => {
      const rendered = await cli('render', 'analytics.customers', '--env', 'dev_x');
      expect(rendered.code, rendered.text).toBe(0);
      // staging.customers computes its email with lower(trim(email)): column lineage reads it NULL.
      expect(rendered.text).toMatch(/FROM \(SELECT "customer_id", "customer_name", CAST\(NULL AS \w+\) AS "email", "country_code", "signup_date" FROM "planner__staging"\."staging__customers__\w+"\) AS c/);
      const rows = (sql: string) => e.sql(`SELECT customer_id, email, contact FROM (${sql}) AS r ORDER BY customer_id`);
      const table = await physicalOf('dev_x', 'analytics.customers');
      const built = await e.sql(`SELECT customer_id, email, contact FROM ${table} ORDER BY customer_id`);
      expect(built.length).toBeGreaterThan(0);
      expect(await rows(rendered.text)).toEqual(built);
      expect(JSON.stringify(built)).not.toContain('@');
      // Prod's render reads the real values, as prod's build does.
      const prod = await cli('render', 'analytics.customers');
      expect(prod.code, prod.text).toBe(0);
      expect(prod.text).not.toContain('md5(');
      expect(JSON.stringify(await rows(prod.text))).toContain('@');
    });

    it('says so where a masked parent is not built yet, instead of a query that cannot run', async () => {
      e.project.edit('models/staging/customers.sql', 'UPPER(TRIM(country)) AS country_code,', 'UPPER(TRIM(country)) AS country_code,\n  LENGTH(name) AS name_length,');
      const rendered = await cli('render', 'analytics.customers', '--env', 'dev_x');
      expect(rendered.code, rendered.text).toBe(0);
      expect(rendered.text).toContain('-- analytics.customers reads staging.customers through its masks once built (apply the plan first); shown unmasked');
    });
  });
}
