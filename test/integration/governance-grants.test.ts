import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import pg from 'pg';
import { ADMIN_URL, postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const [duckdb, postgres] = engineCases(server);

describe.skipIf(!postgres.available)('planner grants on PostgreSQL', () => {
  let e: EngineProject;
  const role = `planner_reader_${randomBytes(4).toString('hex')}`;
  beforeEach(async () => {
    e = await postgres.setup();
    await e.sql(`CREATE ROLE ${role} NOLOGIN`);
    e.project.edit('planner.config.ts', 'environments:', `access: { 'dev_*': { role: '${role}' } },\n  environments:`);
    await e.project.planAndApply('prod');
    expect((await runCli(['plan', 'dev_x', '--yes', '--skip-tests', '-p', e.project.dir])).code).toBe(0);
  });
  afterEach(async () => {
    await e.sql(`DROP OWNED BY ${role}`);
    await e.cleanup();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it("lets the role read the environment's views, and neither the physical tables nor prod's views", async () => {
    const granted = await runCli(['grants', 'dev_x', '-p', e.project.dir]);
    expect(granted.code, granted.text).toBe(0);
    expect(granted.text).toContain(`Granted ${role} USAGE on`);
    const [physical] = (await e.sql(`SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname = 'planner__analytics' ORDER BY 1 LIMIT 1`)).map((r) => String(r.t));
    // One connection of its own, as the role: what a reader logged in as it can do.
    const url = new URL(ADMIN_URL);
    url.pathname = `/${String((await e.sql('SELECT current_database() AS d'))[0].d)}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(`SET ROLE ${role}`);
    const asRole = async (query: string) => (await client.query(query)).rows;
    try {
      expect(await asRole('SELECT count(*)::int AS n FROM analytics__dev_x.customers')).toEqual([{ n: 30 }]);
      await expect(asRole(`SELECT count(*) FROM ${physical}`)).rejects.toThrow(/permission denied/);
      await expect(asRole('SELECT count(*) FROM analytics.customers')).rejects.toThrow(/permission denied/);

      // An apply that makes the views again (a breaking change upstream) grants them in its promotion: no `planner grants` needed.
      e.project.edit('models/staging/customers.sql', /SELECT/, 'SELECT 1 AS regranted,');
      const applied = await runCli(['plan', 'dev_x', '--yes', '--skip-tests', '-p', e.project.dir]);
      expect(applied.code, applied.text).toBe(0);
      expect(await asRole('SELECT count(*)::int AS n FROM analytics__dev_x.customers')).toEqual([{ n: 30 }]);
      expect(await asRole('SELECT max(regranted)::int AS r FROM staging__dev_x.customers')).toEqual([{ r: 1 }]);
    } finally {
      await client.end();
    }
  });
});

describe('planner grants on DuckDB', () => {
  it('is refused (exit 2): DuckDB has no roles', async () => {
    const e = await duckdb.setup();
    try {
      await e.project.planAndApply('prod');
      const refused = await runCli(['grants', 'prod', '-p', e.project.dir]);
      expect(refused.code).toBe(2);
      expect(refused.text).toContain('planner grants applies to PostgreSQL gateways');
    } finally {
      await e.cleanup();
    }
  });
});
