import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/engines.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { ROOT, TempProject } from '../helpers/project.js';

const server = await postgresServer();

describe('examples/macros', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.remove());

  it('plans with --auto-apply on DuckDB and holds the rows its README shows', async () => {
    p = new TempProject(join(ROOT, 'examples/macros'), ['models', 'seeds', 'macros', 'planner.config.ts']);
    const applied = await runCli(['plan', '--auto-apply', '--execution-time', '2024-03-05', '-p', p.dir]);
    expect(applied.text).toContain('built 6 tables, updated 6 views');
    expect(applied.code).toBe(0);
    const rows = await p.with(async (ctx) => ({
      customers: (await ctx.engine.query('SELECT * FROM analytics.customer_orders ORDER BY customer_id')).rows,
      paid: (await ctx.engine.query('SELECT order_id, amount_cents FROM analytics.paid_orders ORDER BY order_id')).rows,
      enriched: (await ctx.engine.query('SELECT * FROM analytics.orders_enriched ORDER BY order_id LIMIT 1')).rows,
      log: (await ctx.engine.query('SELECT * FROM ops.build_log')).rows,
      byStatus: (await ctx.engine.query('SELECT (SELECT order_id FROM analytics.orders_refunded) AS refunded, (SELECT count(*) FROM analytics.orders_paid) AS paid')).rows,
      comments: (await ctx.engine.query('SELECT schema_name, view_name, comment FROM duckdb_views() WHERE comment IS NOT NULL')).rows,
    }));
    const n = (v: unknown) => (v === null ? null : Number(v));
    expect(rows.customers.map((r) => [r.customer_id, r.paid_orders, r.refunded_orders, r.cancelled_orders, r.paid_cents, r.refunded_cents, r.cancelled_cents, r.large_orders].map(n))).toEqual([
      [101, 2, 1, 0, 21999, 8000, null, 3],
      [102, 1, 0, 1, 3550, null, 1500, 0],
      [103, 2, 0, 0, 22225, null, null, 1],
      [104, 1, 0, 0, 6490, null, null, 1],
    ]);
    expect(rows.paid.map((r) => [n(r.order_id), n(r.amount_cents)])).toEqual([[1, 12000], [2, 3550], [4, 21025], [6, 6490], [7, 1200], [8, 9999]]);
    // @STAR dropped the note; the surrogate key is SQLMesh's MD5 of the joined columns.
    expect(Object.keys(rows.enriched[0])).toEqual(['order_key', 'order_id', 'customer_id', 'status', 'amount', 'ordered_at', 'amount_cents']);
    expect(rows.enriched[0].order_key).toBe('49b8726dcc5680488fda6692ecd74598');
    expect(rows.log.map((r) => [r.model, r.stage, n(r.row_count)])).toEqual([['analytics.customer_orders', 'evaluating', 4]]);
    // The blueprints: one view per status; the on-virtual-update statement: prod's view commented.
    expect(rows.byStatus.map((r) => [n(r.refunded), n(r.paid)])).toEqual([[3, 6]]);
    expect(rows.comments).toEqual([{ schema_name: 'analytics', view_name: 'customer_orders', comment: 'Orders per customer and status; see examples/macros' }]);

    // A config variable changes no file: the plan shows the diff of the SQL after expansion.
    p.edit('planner.config.ts', 'min_amount: 50', 'min_amount: 100');
    const changed = await runCli(['plan', 'dev', '--dry-run', '--execution-time', '2024-03-05', '-p', p.dir]);
    expect(changed.code).toBe(0);
    expect(changed.text).toContain('~ analytics.customer_orders  breaking');
    expect(changed.text).toContain('models/analytics/customer_orders.sql (after macro expansion)');
    expect(changed.text).toContain('-  COUNT(*) FILTER (WHERE amount >= 50) AS large_orders\n+  COUNT(*) FILTER (WHERE amount >= 100) AS large_orders');
  });

  it.skipIf(!server.available)(`step 6: on the PostgreSQL gateway the post-statement indexes the table just built${server.note}`, async () => {
    p = new TempProject(join(ROOT, 'examples/macros'), ['models', 'seeds', 'macros', 'planner.config.ts']);
    p.edit('models/analytics/customer_orders.sql', /COUNT\(\*\) FROM @this_model\n\);\n/, "$&@IF(@runtime_stage = 'evaluating', @index_on(@this_model, customer_id));\n");
    const db = await PgTestDatabase.create();
    process.env.PLANNER_PG_URL = db.url;
    try {
      const applied = await runCli(['plan', '--gateway', 'team', '--auto-apply', '--execution-time', '2024-03-05', '-p', p.dir]);
      expect(applied.text).toContain('built 6 tables, updated 6 views');
      expect(applied.code).toBe(0);
      const table = (await db.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'planner__analytics' AND c.relname LIKE 'analytics\\_\\_customer\\_orders\\_\\_%' AND c.relkind = 'r'`))[0].relname;
      const indexes = await db.query(`SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = 'planner__analytics'`);
      expect(indexes).toHaveLength(1);
      expect(indexes[0].tablename).toBe(table);
      expect(indexes[0].indexname).toMatch(/^ix_[0-9a-f]{16}$/);
      expect(indexes[0].indexdef).toContain('(customer_id)');
      const rows = await db.query('SELECT customer_id, paid_orders, large_orders FROM analytics.customer_orders ORDER BY customer_id');
      expect(rows.map((r) => [r.customer_id, r.paid_orders, r.large_orders].map(Number))).toEqual([[101, 2, 3], [102, 1, 0], [103, 2, 1], [104, 1, 1]]);
    } finally {
      delete process.env.PLANNER_PG_URL;
      await db.drop();
    }
  });
});
