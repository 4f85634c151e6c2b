import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffCommand } from '../../src/cli/commands/diff.js';
import { captureIO } from '../helpers/capture-io.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { TempProject } from '../helpers/project.js';

describe('planner diff on DuckDB', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  const diff = async (a: string, b?: string) => {
    const io = captureIO();
    const code = await diffCommand({ project: p.dir, a, b, json: true, exitCode: true }, io);
    return { code, diff: JSON.parse(io.stdout.join('\n')) };
  };

  it('names exactly the changed model and its affected children, and nothing once dev is promoted', async () => {
    await p.planAndApply('prod');
    breakOrderTotals(p);
    await p.planAndApply('dev');

    const { code, diff: d } = await diff('dev', 'prod');
    expect(code).toBe(1);
    expect(d).toMatchObject({ a: 'dev', b: 'prod', aIsLocal: false, onlyInA: [], onlyInB: [], different: true });
    expect(d.modified).toHaveLength(1);
    expect(d.modified[0]).toMatchObject({
      name: 'analytics.order_totals',
      category: 'breaking',
      file: 'models/analytics/order_totals.sql',
      fields: ['query'],
      affected: [
        { name: 'analytics.customers', category: 'breaking' },
        { name: 'analytics.daily_revenue', category: 'breaking' },
      ],
    });
    expect(d.modified[0].diff).toContain('--- prod/models/analytics/order_totals.sql\n+++ dev/models/analytics/order_totals.sql');
    expect(d.modified[0].diff).toContain("\n+WHERE o.status <> 'cancelled'\n");
    expect(d.indirectlyModified).toEqual([
      { name: 'analytics.customers', category: 'breaking', causes: ['analytics.order_totals'] },
      { name: 'analytics.daily_revenue', category: 'breaking', causes: ['analytics.order_totals'] },
    ]);

    const text = captureIO();
    expect(await diffCommand({ project: p.dir, a: 'dev', b: 'prod' }, text)).toBe(0);
    expect(text.text()).toContain('~ analytics.order_totals  breaking');
    expect(text.text()).toContain('downstream: analytics.customers (breaking), analytics.daily_revenue (breaking)');

    // The local project is what dev holds.
    expect((await diff('dev')).code).toBe(0);
    await p.planAndApply('prod');
    const after = await diff('dev', 'prod');
    expect(after.code).toBe(0);
    expect(after.diff).toMatchObject({ onlyInA: [], onlyInB: [], modified: [], indirectlyModified: [], different: false });
  });

  it('tells metadata, non-breaking, added and removed models apart, in both directions', async () => {
    await p.planAndApply('prod');
    p.edit('models/analytics/daily_revenue.sql', /description '[^']*'/, "description 'Revenue per day, completed orders only'");
    p.edit('models/analytics/order_totals.sql', /\nFROM staging\.orders AS o/, ',\n  COUNT(DISTINCT i.product_id) AS distinct_products\nFROM staging.orders AS o');
    p.write('models/analytics/big_orders.sql', 'MODEL (name analytics.big_orders, kind FULL);\nSELECT order_id FROM analytics.order_totals WHERE units > 5;\n');
    await p.planAndApply('dev');

    const { diff: d } = await diff('dev', 'prod');
    expect(d.onlyInA).toEqual(['analytics.big_orders']);
    expect(d.modified.map((m: { name: string; category: string; fields: string[] }) => [m.name, m.category, m.fields])).toEqual([
      ['analytics.order_totals', 'non-breaking', ['query']],
      ['analytics.daily_revenue', 'metadata', ['description']],
    ]);
    expect(d.modified[0].affected).toEqual([
      { name: 'analytics.customers', category: 'non-breaking' },
      { name: 'analytics.daily_revenue', category: 'non-breaking' },
    ]);
    // daily_revenue changed both itself (metadata) and through its parent: downstream of order_totals, but not indirectly modified.
    expect(d.indirectlyModified.map((m: { name: string }) => m.name)).toEqual(['analytics.customers']);

    const reverse = (await diff('prod', 'dev')).diff;
    expect(reverse.onlyInA).toEqual([]);
    expect(reverse.onlyInB).toEqual(['analytics.big_orders']);
    expect(reverse.modified[0].diff).toContain('\n-  COUNT(DISTINCT i.product_id) AS distinct_products\n');

    // Compared with the local project: the file removed locally shows as only in dev.
    rmSync(p.path('models/analytics/big_orders.sql'));
    const local = (await diff('dev')).diff;
    expect(local).toMatchObject({ a: 'local', b: 'dev', aIsLocal: true, onlyInA: [], onlyInB: ['analytics.big_orders'], modified: [] });
  });
});
