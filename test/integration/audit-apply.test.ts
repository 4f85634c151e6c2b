import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/capture-io.js';
import { eachPgProject, PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { TempProject } from '../helpers/project.js';
import { catalog } from '../helpers/warehouse-state.js';

const server = await postgresServer();

/** order_totals loses the customer of every tenth order: not_null(customer_id) fails on 8 rows. */
const BREAK_CUSTOMER = "CASE WHEN o.order_id % 10 = 0 THEN NULL ELSE o.customer_id END AS customer_id";

async function plan(p: TempProject, ...args: string[]) {
  const io = captureIO();
  const code = await main(['plan', ...args, '--yes', '-p', p.dir], io);
  return { code, io };
}

const duckQuery = (p: TempProject) => (sql: string) => p.with(async (ctx) => (await ctx.engine.query(sql)).rows);

describe('audits during apply on DuckDB', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('a failing blocking audit in dev stops the plan before any view changes, exits 1 and shows the bad rows', async () => {
    expect((await plan(p, 'prod')).code).toBe(0);
    const before = await catalog(duckQuery(p));
    p.edit('models/analytics/order_totals.sql', /\n  o\.customer_id,/, `\n  ${BREAK_CUSTOMER},`);

    const { code, io } = await plan(p, 'dev');
    expect(code).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain('a blocking audit failed; nothing was promoted');
    expect(err).toContain('audit not_null(columns := [order_id, customer_id, order_date]) on analytics.order_totals found 8 bad rows');
    expect(err).toMatch(/sample \(5 of 8\):\n {4}order_id=1010, customer_id=NULL, order_date="2024-01-\d\d", status="\w+"/);
    expect(err).toContain('hint: the plan stopped before promotion');

    // No view changed, no dev schema, dev was not recorded, and the audited table was rolled
    // back with its failed audit (built, audited and recorded in one transaction).
    const after = await catalog(duckQuery(p));
    expect(after).toEqual(before);
    expect(await p.with((ctx) => ctx.state.getEnvironment('dev'))).toBeUndefined();

    // The failed table was never trusted: the next plan builds and audits it again.
    const again = await plan(p, 'dev', '--json');
    expect(again.code).toBe(1);
    const error = JSON.parse(again.io.stdout.join('\n')).error;
    expect(error.code).toBe('audit_failed');
    expect(error.failures[0]).toMatchObject({ model: 'analytics.order_totals', count: 8 });
    expect(error.failures[0].sample[0]).toMatchObject({ order_id: 1010, customer_id: null });

    // Fixed: dev applies, and its views show the fixed data.
    p.edit('models/analytics/order_totals.sql', BREAK_CUSTOMER, "o.customer_id AS customer_id");
    const fixed = await plan(p, 'dev');
    expect(fixed.code).toBe(0);
    const rows = await duckQuery(p)(`SELECT count(*) AS n FROM analytics__dev.order_totals WHERE customer_id IS NULL`);
    expect(rows[0].n).toBe(0);
  });

  it('a failing non-blocking audit warns and the apply goes on; a custom audit file runs with its arguments', async () => {
    p.write('audits/no_pending.sql', "AUDIT (name no_pending, blocking false);\n-- Pending orders are fine, but someone should look.\nSELECT * FROM @this_model WHERE @column = 'pending'");
    p.edit('models/analytics/order_totals.sql', 'accepted_range(column := revenue, min_v := 0)', 'accepted_range(column := revenue, min_v := 0),\n    no_pending(column := status)');
    const { code, io } = await plan(p, 'prod');
    expect(code).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/warning: audit no_pending\(column := status\) on analytics\.order_totals found 14 bad rows \(non-blocking\)/);
    expect((await duckQuery(p)(`SELECT count(*) AS n FROM analytics.order_totals`))[0].n).toBe(80);
  });

  it('rejects an unknown audit or a missing argument at plan time, naming the model file and line', async () => {
    p.edit('models/analytics/daily_revenue.sql', 'unique_values(columns := [order_date])', 'uniq(columns := [order_date])');
    const unknown = await plan(p, 'prod');
    expect(unknown.code).toBe(2);
    expect(unknown.io.stderr[0]).toMatch(/^error: models\/analytics\/daily_revenue\.sql:8:11: model analytics\.daily_revenue: unknown audit 'uniq' \(built-in: not_null, unique_values/);
    p.edit('models/analytics/daily_revenue.sql', 'uniq(columns := [order_date])', 'accepted_values(column := order_date)');
    const missing = await plan(p, 'prod');
    expect(missing.code).toBe(2);
    expect(missing.io.stderr[0]).toContain("audit accepted_values(column := order_date): needs argument 'is_in'");
    expect(await catalog(duckQuery(p))).toEqual([]);
  });

  it('planner audit runs the audits of an environment on demand, for one model or all', async () => {
    expect((await plan(p, 'prod')).code).toBe(0);
    const all = captureIO();
    expect(await main(['audit', '-p', p.dir], all)).toBe(0);
    expect(all.stdout.join('\n')).toMatch(/Ran 18 audits: 18 passed, 0 failed\./);

    // Bad data arrives in prod's table behind the planner's back: the audit finds it.
    const [{ t }] = await duckQuery(p)(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_name LIKE 'analytics__product_sales__%'`);
    await duckQuery(p)(`UPDATE ${String(t).split('.').map((x) => `"${x}"`).join('.')} SET units_sold = -1 WHERE product_id = 3`);
    const one = captureIO();
    expect(await main(['audit', '--env', 'prod', '--model', 'analytics.product_sales', '--json', '-p', p.dir], one)).toBe(1);
    const report = JSON.parse(one.stdout.join('\n'));
    expect(report.results.map((r: { audit: string; count: number }) => [r.audit, r.count])).toEqual([
      ['unique_values(columns := [product_id])', 0],
      ['non_negative(column := units_sold)', 1],
      ['non_negative(column := revenue)', 0],
    ]);
    expect(report.results[1].sample[0]).toMatchObject({ product_id: 3, units_sold: -1 });

    // An audit that cannot run (its column is gone) is reported, and the others still run.
    await duckQuery(p)(`ALTER TABLE ${String(t).split('.').map((x) => `"${x}"`).join('.')} DROP COLUMN revenue`);
    const broken = captureIO();
    expect(await main(['audit', '--model', 'analytics.product_sales', '-p', p.dir], broken)).toBe(1);
    const text = broken.stdout.join('\n');
    expect(text).toContain('ERROR audit non_negative(column := revenue) on analytics.product_sales could not run');
    expect(text).toMatch(/Ran 3 audits: 1 passed, 1 failed, 1 could not run\./);

    const unknown = captureIO();
    expect(await main(['audit', '--model', 'analytics.nope', '-p', p.dir], unknown)).toBe(2);
    expect(unknown.stderr[0]).toContain("--select 'analytics.nope' matches no model");
  });
});

describe.skipIf(!server.available)(`audits during apply on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  eachPgProject((d, q) => ((db = d), (p = q)));

  it('a failing blocking audit in dev stops the plan before any view changes and shows the bad rows', async () => {
    expect((await plan(p, 'prod')).code).toBe(0);
    const before = await catalog((sql) => db.query(sql));
    p.edit('models/analytics/order_totals.sql', /\n  o\.customer_id,/, `\n  ${BREAK_CUSTOMER},`);
    const { code, io } = await plan(p, 'dev');
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toContain('on analytics.order_totals found 8 bad rows');
    expect(io.stderr.join('\n')).toMatch(/order_id=1010, customer_id=NULL/);
    const after = await catalog((sql) => db.query(sql));
    expect(after.filter((o) => !o.startsWith('planner__'))).toEqual(before.filter((o) => !o.startsWith('planner__')));
    expect((await db.query(`SELECT count(*)::int AS n FROM planner_state.environments WHERE name = 'dev'`))[0].n).toBe(0);
  });
});
