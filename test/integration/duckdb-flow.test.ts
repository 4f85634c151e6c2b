import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/project.js';

const query = (p: TempProject, sql: string) => p.with(async (ctx) => (await ctx.engine.query(sql)).rows);
const tables = (p: TempProject) =>
  query(p, `SELECT table_schema || '.' || table_name AS t, table_type FROM information_schema.tables ORDER BY 1`).then((rows) =>
    rows.map((r) => `${r.t} ${r.table_type}`),
  );

describe('plan and promote on DuckDB', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('builds prod, then builds only the changed model and its breaking children in dev, then promotes without building', async () => {
    const first = await p.planAndApply('prod');
    expect(first.plan.added).toHaveLength(12);
    expect(first.result.built).toHaveLength(12);
    const prodRevenue = await query(p, `SELECT sum(revenue) AS r, count(*) AS n FROM analytics.daily_revenue`);
    expect(Number(prodRevenue[0].n)).toBeGreaterThan(10);

    // Breaking change: order_totals only counts completed orders.
    p.edit('models/analytics/order_totals.sql', /FROM staging\.orders AS o/, "FROM staging.orders AS o\n  -- only completed orders count now\n");
    p.edit('models/analytics/order_totals.sql', /GROUP BY/, "WHERE o.status = 'completed'\nGROUP BY");
    const tablesBefore = await tables(p);
    const dev = await p.planAndApply('dev');
    expect(dev.plan.directlyModified).toEqual([{ name: 'analytics.order_totals', category: 'breaking' }]);
    expect(dev.plan.indirectlyModified.map((c) => [c.name, c.category])).toEqual([
      ['analytics.customers', 'breaking'],
      ['analytics.daily_revenue', 'breaking'],
    ]);
    const builtNames = dev.result.built.map((id) => dev.plan.snapshots[id].name).sort();
    expect(builtNames).toEqual(['analytics.customers', 'analytics.daily_revenue', 'analytics.order_totals']);
    // Dev is complete: a view of every model; only the 3 changed ones got new tables.
    const after = await tables(p);
    const added = after.filter((t) => !tablesBefore.includes(t));
    expect(added.filter((t) => t.startsWith('analytics__dev.')).sort()).toEqual([
      'analytics__dev.customers VIEW',
      'analytics__dev.daily_revenue VIEW',
      'analytics__dev.order_totals VIEW',
      'analytics__dev.product_sales VIEW',
    ]);
    expect(dev.plan.viewSharing).toEqual({ with: 'prod', shared: 9, own: 3 });
    expect(added.filter((t) => t.startsWith('planner__')).length).toBe(3);

    // Prod still answers with the old data; dev with the new.
    expect(await query(p, `SELECT sum(revenue) AS r, count(*) AS n FROM analytics.daily_revenue`)).toEqual(prodRevenue);
    const devRows = await query(p, `SELECT count(*) AS n FROM analytics__dev.order_totals`);
    const completed = await query(p, `SELECT count(*) AS n FROM staging.orders WHERE status = 'completed'`);
    expect(devRows[0].n).toEqual(completed[0].n);

    // Promote: zero tables built, prod now answers as dev did.
    const promote = await p.planAndApply('prod');
    expect(promote.result.built).toEqual([]);
    expect(promote.plan.builds).toEqual([]);
    expect(await tables(p)).toEqual(after);
    const prodNow = await query(p, `SELECT count(*) AS n FROM analytics.order_totals`);
    expect(prodNow[0].n).toEqual(completed[0].n);
  });

  it('says there is nothing to do when the project matches the environment', async () => {
    await p.planAndApply('prod');
    const again = await p.with((ctx) => ctx.plan('prod'));
    expect(again.builds).toEqual([]);
    expect(again.viewChanges).toEqual({ upsert: [], drop: [] });
    expect(again.added).toEqual([]);
  });

  it('treats added projections as non-breaking: the children keep their tables', async () => {
    await p.planAndApply('prod');
    p.edit('models/analytics/order_totals.sql', /\nFROM staging\.orders AS o/, ",\n  COUNT(DISTINCT i.product_id) AS distinct_products\nFROM staging.orders AS o");
    const { plan, result } = await p.planAndApply('dev');
    expect(plan.directlyModified).toEqual([{ name: 'analytics.order_totals', category: 'non-breaking' }]);
    expect(plan.indirectlyModified.every((c) => c.category === 'non-breaking')).toBe(true);
    expect(result.built.map((id) => plan.snapshots[id].name)).toEqual(['analytics.order_totals']);
    const cols = await query(p, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics__dev' AND table_name = 'order_totals'`);
    expect(cols.map((c) => c.column_name)).toContain('distinct_products');
  });
});
