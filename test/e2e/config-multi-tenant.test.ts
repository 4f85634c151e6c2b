import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { ROOT, TempProject } from '../helpers/project.js';
import { tableStates } from '../helpers/warehouse-state.js';

const server = await postgresServer();
const EXAMPLE = join(ROOT, 'examples/multi-tenant');
const FILES = ['models', 'seeds', 'audits', 'tests', 'planner.config.ts'];

function cli(p: TempProject, ...args: string[]) {
  return planner([...args, '-p', p.dir]);
}

function json(p: TempProject, sql: string, env: string) {
  const r = cli(p, 'fetchdf', sql, '--env', env, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).rows as Record<string, unknown>[];
}

/** Alice's change from the README: a new column, and the unit test that expects it. */
function addLastOrderDate(p: TempProject): void {
  p.edit('models/analytics/customer_revenue.sql', '  COUNT(o.id) AS orders,\n', '  COUNT(o.id) AS orders,\n  MAX(o.order_date) AS last_order_date,\n');
  p.edit('tests/customer_revenue.yaml', 'orders: 1, revenue: 120.00', 'orders: 1, last_order_date: 2024-03-01, revenue: 120.00');
}

describe('examples/multi-tenant: the DuckDB tenant', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(EXAMPLE, FILES);
    // globex is never used here: its unset URL is only an error when a plan needs it.
  });
  afterEach(() => p.remove());

  it("builds acme from its own seeds, develops in acme_alice, promotes without building, and refuses to invalidate acme", () => {
    expect(cli(p, 'test', '--env', 'acme').code).toBe(0);
    expect(cli(p, 'plan', 'acme', '--yes').code).toBe(0);
    expect(json(p, 'SELECT count(*) AS n, sum(revenue) AS r FROM analytics.customer_revenue', 'acme')).toEqual([{ n: 4, r: 548.75 }]);

    // The unit test names every column: the new one fails it until the test expects it too.
    p.edit('models/analytics/customer_revenue.sql', '  COUNT(o.id) AS orders,\n', '  COUNT(o.id) AS orders,\n  MAX(o.order_date) AS last_order_date,\n');
    const failing = cli(p, 'plan', 'acme_alice', '--create-from', 'acme', '--yes');
    expect(failing.code).toBe(1);
    expect(failing.stdout + failing.stderr).toContain('last_order_date  expected NULL  actual "2024-03-01"');
    p.edit('tests/customer_revenue.yaml', 'orders: 1, revenue: 120.00', 'orders: 1, last_order_date: 2024-03-01, revenue: 120.00');

    const dev = cli(p, 'plan', 'acme_alice', '--create-from', 'acme', '--yes', '--json');
    expect(dev.code, dev.stderr).toBe(0);
    expect(JSON.parse(dev.stdout).builds.map((b: { model: string }) => b.model)).toEqual(['analytics.customer_revenue']);
    expect(json(p, "SELECT CAST(last_order_date AS VARCHAR) AS d FROM analytics.customer_revenue WHERE customer_id = 2", 'acme_alice')).toEqual([{ d: '2024-03-04' }]);

    const refused = cli(p, 'invalidate', 'acme');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("environment 'acme' is protected: invalidate is refused");
    expect(cli(p, 'plan', 'acme').code).toBe(2);
    const promote = cli(p, 'plan', 'acme', '--yes', '--json');
    expect(promote.code).toBe(0);
    expect(JSON.parse(promote.stdout).builds).toEqual([]);
    expect(cli(p, 'invalidate', 'acme_alice').code).toBe(0);
  });
});

describe.skipIf(!server.available)(`examples/multi-tenant: both tenants${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  beforeEach(async () => {
    db = await PgTestDatabase.create();
    p = new TempProject(EXAMPLE, FILES);
    const url = new URL(db.url);
    url.password = 'tenant-secret-4471';
    p.write('.env', `PLANNER_GLOBEX_URL=${url}\n`);
  });
  afterEach(async () => {
    p.remove();
    await db.drop();
  });

  it('keeps each tenant on its gateway with its own values, and a change to one leaves the other untouched', async () => {
    const config = cli(p, 'environments', '--config');
    expect(config.stdout).toContain(`postgres://postgres:***@`);
    expect(config.stdout).not.toContain('tenant-secret-4471');

    expect(cli(p, 'plan', 'acme', '--yes').code).toBe(0);
    const globex = cli(p, 'plan', 'globex', '--yes');
    expect(globex.code, globex.stderr).toBe(0);
    // globex lives in PostgreSQL, in schemas of its own; acme's DuckDB file knows nothing of it.
    expect(await db.query(`SELECT customer_id, orders::int AS orders, revenue::text AS revenue FROM analytics__globex.customer_revenue ORDER BY 1`)).toEqual([
      { customer_id: 1, orders: 1, revenue: '1500.00' },
      { customer_id: 2, orders: 0, revenue: '0.00' },
      { customer_id: 3, orders: 1, revenue: '99.00' },
    ]);
    expect(cli(p, 'fetchdf', 'SELECT 1', '--env', 'globex', '--gateway', 'acme').code).toBe(2);

    const physical = await db.query(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema LIKE 'planner\\_\\_%' ORDER BY 1`);
    const before = await tableStates((sql) => db.query(sql), physical.map((r) => String(r.t)));
    addLastOrderDate(p);
    expect(cli(p, 'plan', 'acme_alice', '--create-from', 'acme', '--yes').code).toBe(0);
    expect(cli(p, 'plan', 'acme', '--yes').code).toBe(0);
    expect(await tableStates((sql) => db.query(sql), physical.map((r) => String(r.t)))).toEqual(before);
    expect((await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'analytics__globex' AND column_name = 'last_order_date'`))[0].n).toBe(0);

    const dry = cli(p, 'plan', 'globex', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout).builds.map((b: { model: string }) => b.model)).toEqual(['analytics.customer_revenue']);
    expect(cli(p, 'audit', '--env', 'globex').code).toBe(0);
  });
});
