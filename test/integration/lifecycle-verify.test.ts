import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { captureIO } from '../helpers/capture-io.js';
import { breakOrderTotals, query } from '../helpers/lifecycle-fixtures.js';
import { TempProject } from '../helpers/project.js';

/** Dev is planned lean (views only for what it changes), so a stray view of an unchanged model is one dev must not have. */
const LEAN = { changedOnly: true };

describe('planner verify on DuckDB', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  const verify = async (environment?: string) => {
    const io = captureIO();
    const code = await verifyCommand({ project: p.dir, environment, json: true }, io);
    return { code, report: JSON.parse(io.stdout[0]) };
  };

  /** The physical table a view of `environment` reads, from state. */
  const tableOf = (environment: string, model: string) =>
    p.with(async (ctx) => {
      const env = (await ctx.state.getEnvironment(environment))!;
      const s = (await ctx.state.getSnapshots([env.snapshots[model]])).get(env.snapshots[model])!;
      return `"${s.physical.schema}"."${s.physical.table}"`;
    });

  it('finds a dropped view, a dropped table, a repointed view, a table in place of a view, a stray view and a lost snapshot', async () => {
    await p.planAndApply('prod');
    breakOrderTotals(p);
    await p.planAndApply('dev', LEAN);
    const clean = await verify();
    expect(clean.code).toBe(0);
    expect(clean.report).toMatchObject({ ok: true, problems: [], checked: { views: 15, tables: 15 } });

    const revenueTable = await tableOf('prod', 'analytics.daily_revenue');
    const productsTable = await tableOf('prod', 'analytics.product_sales');
    const prodOrders = await tableOf('prod', 'analytics.order_totals');
    await query(p, `DROP VIEW analytics__dev.customers`);
    await query(p, `DROP TABLE ${revenueTable}`);
    await query(p, `CREATE OR REPLACE VIEW analytics.order_totals AS SELECT * FROM ${productsTable}`);
    await query(p, `DROP VIEW staging.orders; CREATE TABLE staging.orders AS SELECT 1 AS order_id`);
    await query(p, `CREATE VIEW analytics__dev.product_sales AS SELECT * FROM ${productsTable}`);
    await query(p, `DELETE FROM planner_state.snapshots WHERE name = 'raw.products'`);

    const { code, report } = await verify();
    expect(code).toBe(1);
    const unquoted = (t: string) => t.replace(/"/g, '');
    const byCode = (c: string) => report.problems.filter((x: { code: string }) => x.code === c);
    expect(byCode('missing_table')).toEqual([expect.objectContaining({ object: unquoted(revenueTable), environment: 'prod' })]);
    expect(byCode('missing_view')).toEqual([expect.objectContaining({ environment: 'dev', object: 'analytics__dev.customers' })]);
    expect(byCode('wrong_target')).toEqual([
      expect.objectContaining({ environment: 'prod', object: 'analytics.order_totals', message: expect.stringContaining(`reads ${unquoted(productsTable)}, but analytics.order_totals's snapshot names ${unquoted(prodOrders)}`) }),
    ]);
    expect(byCode('not_a_view')).toEqual([expect.objectContaining({ environment: 'prod', object: 'staging.orders' })]);
    expect(byCode('unexpected_view')).toEqual([expect.objectContaining({ environment: 'dev', object: 'analytics__dev.product_sales' })]);
    expect(byCode('missing_snapshot').map((x: { environment: string }) => x.environment).sort()).toEqual(['dev', 'prod']);
    expect(report.problems).toHaveLength(7);

    // Only dev: prod's problems are not reported.
    const dev = await verify('dev');
    expect(dev.code).toBe(1);
    expect(dev.report.problems.map((x: { code: string }) => x.code).sort()).toEqual(['missing_snapshot', 'missing_view', 'unexpected_view']);

    const text = captureIO();
    expect(await verifyCommand({ project: p.dir }, text)).toBe(1);
    expect(text.text()).toContain('7 problems:');
    expect(text.text()).toContain('[dev] view analytics__dev.customers for analytics.customers does not exist (missing_view)');
  });
});
