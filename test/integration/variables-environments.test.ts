import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/project.js';

const CONFIG = (extra = '') => `export default {
  gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } },
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
  variables: { min_revenue: 0, seed_dir: 'full'${extra} },
  environments: {
    prod: { protected: true },
    staging: { variables: { unused_flag: true } },
    'dev_*': { ttl: '7d', variables: { min_revenue: 100, seed_dir: 'sample' } },
  },
};
`;

const BIG_ORDERS = `MODEL (name analytics.big_orders, kind FULL, grain order_id);
SELECT order_id, revenue FROM analytics.order_totals WHERE revenue >= @VAR('min_revenue', 0)
`;

describe('variables per environment (DuckDB)', () => {
  let p: TempProject;
  const query = (sql: string) => p.with(async (ctx) => (await ctx.engine.query(sql)).rows);
  beforeEach(() => {
    p = new TempProject();
    p.write('planner.config.ts', CONFIG());
    p.write('models/analytics/big_orders.sql', BIG_ORDERS);
    // One seed model reads a per-environment CSV: the full file in prod, five rows in dev.
    const customers = p.read('seeds/customers.csv');
    p.write('seeds/full.csv', customers);
    p.write('seeds/sample.csv', customers.split('\n').slice(0, 6).join('\n') + '\n');
    p.edit('models/raw/customers.sql', "path '../../seeds/customers.csv'", "path '../../seeds/@VAR(seed_dir).csv'");
  });
  afterEach(() => p.remove());

  it('a variable that changes a query gives each environment its own table and rows', async () => {
    const prod = await p.planAndApply('prod');
    const dev = await p.planAndApply('dev_alice');
    const prodBig = prod.plan.snapshots[prod.plan.target['analytics.big_orders']];
    const devBig = dev.plan.snapshots[dev.plan.target['analytics.big_orders']];
    expect(devBig.version).not.toBe(prodBig.version);
    expect(devBig.physical.table).not.toBe(prodBig.physical.table);
    expect(dev.plan.directlyModified).toEqual(
      expect.arrayContaining([
        { name: 'analytics.big_orders', category: 'breaking' },
        { name: 'raw.customers', category: 'breaking' },
      ]),
    );

    const [{ n: all }] = await query(`SELECT count(*) AS n FROM analytics.order_totals`);
    const [{ n: prodRows }] = await query(`SELECT count(*) AS n FROM analytics.big_orders`);
    const [{ n: devRows }] = await query(`SELECT count(*) AS n FROM analytics__dev_alice.big_orders`);
    const [{ n: over100 }] = await query(`SELECT count(*) AS n FROM analytics.order_totals WHERE revenue >= 100`);
    expect(prodRows).toBe(all);
    expect(devRows).toBe(over100);
    expect(Number(devRows)).toBeLessThan(Number(prodRows));

    // The seed path variable: dev reads the five-row sample, prod the full file.
    expect((await query(`SELECT count(*) AS n FROM raw.customers`))[0].n).toBe(30);
    expect((await query(`SELECT count(*) AS n FROM raw__dev_alice.customers`))[0].n).toBe(5);
    expect((await query(`SELECT count(*) AS n FROM analytics__dev_alice.customers`))[0].n).toBe(5);
  });

  it("an environment whose variables no model reads builds nothing: every view reads prod's tables", async () => {
    const prod = await p.planAndApply('prod');
    const staging = await p.planAndApply('staging');
    expect(staging.plan.builds).toEqual([]);
    // Complete by default: a view of every model, each on the very snapshot (and table) prod uses.
    expect(staging.plan.target).toEqual(prod.plan.target);
    expect(staging.plan.directlyModified).toEqual([]);
    // A new global variable nobody uses changes nothing in prod either.
    p.write('planner.config.ts', CONFIG(', brand_new: 42'));
    const again = await p.with((ctx) => ctx.plan('prod'));
    expect(again.directlyModified).toEqual([]);
    expect(again.builds).toEqual([]);
  });

  it("a change to a seed file's content changes the fingerprint only where that file is read", async () => {
    await p.planAndApply('prod');
    await p.planAndApply('dev_alice');
    p.write('seeds/sample.csv', readFileSync(p.path('seeds/sample.csv'), 'utf8').replace('Alice Lefevre', 'Alice Lefèvre'));
    const dev = await p.with((ctx) => ctx.plan('dev_alice'));
    expect(dev.directlyModified).toEqual([{ name: 'raw.customers', category: 'breaking' }]);
    const prod = await p.with((ctx) => ctx.plan('prod'));
    expect(prod.directlyModified).toEqual([]);
    expect(prod.builds).toEqual([]);
  });

  it('a seed path variable with no value is one clear error naming the model file', async () => {
    p.edit('planner.config.ts', "seed_dir: 'full'", "other: 'x'");
    await expect(p.with((ctx) => ctx.plan('prod'))).rejects.toThrow(/seed path uses variable 'seed_dir', which is not set and has no default/);
    p.edit('planner.config.ts', "other: 'x'", "seed_dir: '../secrets'");
    const err = await p.with((ctx) => ctx.plan('prod')).catch((e: Error & { location?: { file: string } }) => e);
    expect((err as Error).message).toMatch(/variable 'seed_dir' in a seed path must be letters/);
    expect((err as { location?: { file: string } }).location?.file).toBe('models/raw/customers.sql');
  });
});
