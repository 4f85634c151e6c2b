import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, TempProject } from '../helpers/project.js';

const day = (n: number) => () => new Date(Date.UTC(2024, 2, n));

describe('examples/snapshots', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.remove());

  it('keeps the history its README shows across three days of CRM exports', async () => {
    p = new TempProject(join(ROOT, 'examples/snapshots'), ['models', 'data', 'external_models.yaml', 'planner.config.ts']);
    const project = p;
    // What load-crm.mjs does, on the test's own warehouse.
    const load = (n: number) =>
      project.with(async (ctx) => {
        await ctx.engine.execute('CREATE SCHEMA IF NOT EXISTS crm');
        await ctx.engine.execute(
          `CREATE OR REPLACE TABLE crm.customers AS SELECT * FROM read_csv('${project.path(`data/customers_day${n}.csv`)}', header = true, columns = {'id': 'INTEGER', 'name': 'VARCHAR', 'tier': 'VARCHAR', 'updated_at': 'TIMESTAMP'})`,
        );
      });
    await load(1);
    await p.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: day(2) });
    await load(2);
    await p.with((ctx) => ctx.run('prod'), { now: day(3) });
    await load(3);
    await p.with((ctx) => ctx.run('prod'), { now: day(4) });
    const rows = await p.with(async (ctx) =>
      (await ctx.engine.query("SELECT id, tier, strftime(valid_from, '%Y-%m-%d') AS valid_from, strftime(valid_to, '%Y-%m-%d') AS valid_to FROM analytics.tier_history ORDER BY id, valid_from")).rows,
    );
    expect(rows).toEqual([
      { id: 1, tier: 'gold', valid_from: '1970-01-01', valid_to: '2024-03-03' },
      { id: 1, tier: 'platinum', valid_from: '2024-03-03', valid_to: null },
      { id: 2, tier: 'silver', valid_from: '1970-01-01', valid_to: '2024-03-03' },
      { id: 2, tier: 'gold', valid_from: '2024-03-04', valid_to: null },
      { id: 3, tier: 'silver', valid_from: '1970-01-01', valid_to: null },
    ]);
    const current = await p.with(async (ctx) => (await ctx.engine.query('SELECT id, tier FROM analytics.current_customers ORDER BY id')).rows);
    expect(current).toEqual([
      { id: 1, tier: 'platinum' },
      { id: 2, tier: 'gold' },
      { id: 3, tier: 'silver' },
    ]);
  });
});
