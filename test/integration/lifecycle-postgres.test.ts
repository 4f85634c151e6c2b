import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invalidateCommand } from '../../src/cli/commands/invalidate.js';
import { diffCommand } from '../../src/cli/commands/diff.js';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { captureIO } from '../helpers/capture-io.js';
import { eachPgProject, PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import type { TempProject } from '../helpers/project.js';

const server = await postgresServer();

describe.skipIf(!server.available)(`invalidate, janitor, diff and verify on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  eachPgProject((d, q) => ((db = d), (p = q)));

  const answers = () =>
    db.query(`SELECT (SELECT sum(revenue)::text FROM analytics.daily_revenue) AS revenue, (SELECT count(*)::int FROM analytics.customers) AS customers,
                     (SELECT count(*)::int FROM staging.orders) AS orders`);

  it('drops a dev environment whose physical views read its own seed table (views first, no CASCADE), keeps what staging shares', async () => {
    await p.planAndApply('prod');
    const prodCatalog = await db.catalog();
    const prodBefore = await answers();
    // A new seed row: raw.orders, the staging.orders view over it, and everything downstream get new versions.
    appendFileSync(p.path('seeds/orders.csv'), '1081,12,2024-04-01,completed\n');
    const dev = await p.planAndApply('dev_alice');
    expect(dev.result.built.map((id) => dev.plan.snapshots[id].name).sort()).toEqual([
      'analytics.customers',
      'analytics.daily_revenue',
      'analytics.order_totals',
      'analytics.product_sales',
      'raw.orders',
      'staging.orders',
    ]);
    // staging shares everything of dev_alice's but product_sales, which it changes its own way.
    const sales = p.read('models/analytics/product_sales.sql');
    p.edit('models/analytics/product_sales.sql', /\nFROM staging\.products AS p/, ',\n  1 AS marker\nFROM staging.products AS p');
    await p.planAndApply('staging');
    p.write('models/analytics/product_sales.sql', sales);
    const stagingOrders = await db.query('SELECT count(*)::int AS n FROM staging__staging.orders');
    expect(stagingOrders).toEqual([{ n: 81 }]);

    const diff = captureIO();
    expect(await diffCommand({ project: p.dir, a: 'dev_alice', b: 'prod', json: true, exitCode: true }, diff)).toBe(1);
    expect(JSON.parse(diff.stdout[0]).modified.map((m: { name: string; fields: string[] }) => [m.name, m.fields])).toEqual([['raw.orders', ['seed data']]]);

    const io = captureIO();
    expect(await invalidateCommand({ project: p.dir, environment: 'dev_alice', sync: true, ignoreTtl: true, json: true }, io)).toBe(0);
    const report = JSON.parse(io.stdout[0]).janitor;
    expect(report.failures).toEqual([]);
    expect(report.environments).toEqual(['dev_alice']);
    // Only what staging does not share: dev_alice's product_sales (staging has the seed row too, but its own product_sales).
    expect(report.tables.map((t: string) => t.split('.')[1].replace(/__\w{10}$/, ''))).toEqual(['analytics__product_sales']);

    const after = await db.catalog();
    expect(after.filter((o) => o.includes('__dev_alice'))).toEqual([]);
    expect(prodCatalog.every((o) => after.includes(o))).toBe(true);
    expect(await answers()).toEqual(prodBefore);
    expect(await db.query('SELECT count(*)::int AS n FROM staging__staging.orders')).toEqual(stagingOrders);
    const schemas = await db.query(`SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '%dev_alice%'`);
    expect(schemas).toEqual([]);
    expect(await verifyCommand({ project: p.dir }, captureIO())).toBe(0);

    // Now staging goes too: its physical view of staging.orders must go before the raw table it reads.
    const io2 = captureIO();
    expect(await invalidateCommand({ project: p.dir, environment: 'staging', sync: true, ignoreTtl: true, json: true }, io2)).toBe(0);
    const second = JSON.parse(io2.stdout[0]).janitor;
    expect(second.failures).toEqual([]);
    expect(second.tables.map((t: string) => t.split('.')[1].replace(/__\w{10}$/, ''))).toEqual(
      expect.arrayContaining(['staging__orders', 'raw__orders']),
    );
    expect(second.tables.findIndex((t: string) => t.includes('staging__orders'))).toBeLessThan(second.tables.findIndex((t: string) => t.includes('raw__orders')));
    expect(await db.catalog()).toEqual(prodCatalog);
    expect(await answers()).toEqual(prodBefore);
  });
});
