import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/capture-io.js';
import { eachPgProject, PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { TempProject } from '../helpers/project.js';
import { catalog, tableStates, type Query } from '../helpers/warehouse-state.js';

const server = await postgresServer();

async function cli(p: TempProject, args: string[], io = captureIO()) {
  const code = await main([...args, '-p', p.dir], io);
  return { code, io };
}

/** Every physical object prod's views point at, as `schema.table`. */
async function prodTables(p: TempProject): Promise<string[]> {
  return p.with(async (ctx) => {
    const prod = await ctx.requireEnvironment('prod');
    const snapshots = await ctx.state.getSnapshots(Object.values(prod.snapshots));
    return [...snapshots.values()].filter((s) => !['EMBEDDED', 'EXTERNAL'].includes(s.model.kind.name)).map((s) => `${s.physical.schema}.${s.physical.table}`);
  });
}

/**
 * Applies prod, then dev plans with a breaking, a non-breaking, a metadata and a
 * forward-only change, and
 * checks after each that every table prod uses holds the same rows and columns, and that
 * prod's views and tables are the same objects with the same definitions.
 */
async function devNeverTouchesProd(p: TempProject, query: Query) {
  expect((await cli(p, ['plan', '--yes'])).code).toBe(0);
  const tables = await prodTables(p);
  expect(tables).toHaveLength(12);
  const states = await tableStates(query, tables);
  // Prod's views and the physical objects behind them, with their definitions.
  const prodObjects = async () => (await catalog(query)).filter((o) => /^(raw|staging|analytics)\./.test(o) || tables.some((t) => o.startsWith(`${t} `)));
  const objects = await prodObjects();
  expect(objects.length).toBe(24);

  const changes: [string, () => void, string[]][] = [
    ['breaking', () => p.edit('models/analytics/order_totals.sql', /GROUP BY\n/, "WHERE o.status <> 'cancelled'\nGROUP BY\n"), []],
    ['non-breaking', () => p.edit('models/staging/orders.sql', '  status\nFROM', "  status,\n  status = 'completed' AS is_completed\nFROM"), []],
    ['metadata', () => p.edit('models/analytics/customers.sql', "owner analytics_team", "owner growth_team"), []],
    // Forward-only keeps a table in place in prod; in dev it must be previewed elsewhere.
    ['forward-only', () => p.edit('models/analytics/daily_revenue.sql', 'COUNT(*) AS orders,', 'COUNT(*) AS orders,\n  MAX(units) AS max_units,'), ['--forward-only']],
  ];
  for (const [what, change, args] of changes) {
    change();
    const dev = await cli(p, ['plan', `dev_${what.replace('-', '_')}`, '--yes', '--json', ...args]);
    expect(dev.code, `${what}: ${dev.io.text()}`).toBe(0);
    const applied = JSON.parse(dev.io.stdout.join('\n'));
    expect(applied.applied).toBe(true);
    if (what === 'forward-only') expect(applied.directlyModified).toContainEqual({ name: 'analytics.daily_revenue', category: 'forward-only' });
    expect(await tableStates(query, tables), `prod's tables after a ${what} dev apply`).toEqual(states);
    expect(await prodObjects(), `prod's objects after a ${what} dev apply`).toEqual(objects);
  }
}

describe('protected environments on DuckDB', () => {
  let p: TempProject;
  const query: Query = (sql) => p.with(async (ctx) => (await ctx.engine.query(sql)).rows);
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('dev applies with breaking, non-breaking, metadata and forward-only changes never write to a table prod uses', async () => {
    await devNeverTouchesProd(p, query);
  });

  it('applying to prod asks on a terminal (saying it is protected), and needs --auto-apply without one', async () => {
    const noTerminal = await cli(p, ['plan']);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.io.stderr.join('\n')).toContain('not applied: no terminal to confirm on');
    const declined = await cli(p, ['plan'], captureIO({ interactive: true, answers: [false] }));
    expect(declined.code).toBe(0);
    expect(declined.io.questions[0]).toMatch(/Apply plan \w+ to protected environment prod\?/);
    expect(await catalog(query)).toEqual([]);
    const accepted = await cli(p, ['plan'], captureIO({ interactive: true, answers: [true] }));
    expect(accepted.code).toBe(0);
    expect((await catalog(query)).filter((o) => o.startsWith('analytics.'))).toHaveLength(4);
    // A dev environment's question does not claim protection.
    p.edit('models/analytics/customers.sql', 'owner analytics_team', 'owner growth_team');
    const dev = await cli(p, ['plan', 'dev'], captureIO({ interactive: true, answers: [false] }));
    expect(dev.io.questions[0]).toMatch(/Apply plan \w+ to dev\?/);
  });

  it('removing a model from prod needs --allow-destructive and says what would be lost; dev needs nothing', async () => {
    expect((await cli(p, ['plan', '--yes'])).code).toBe(0);
    const [productSales] = (await prodTables(p)).filter((t) => t.includes('product_sales'));
    rmSync(p.path('models/analytics/product_sales.sql'));

    const dev = await cli(p, ['plan', 'dev', '--yes']);
    expect(dev.code).toBe(0);

    const before = await catalog(query);
    const refused = await cli(p, ['plan', '--yes']);
    expect(refused.code).toBe(2);
    const err = refused.io.stderr.join('\n');
    expect(err).toContain("not applied: the plan for protected environment 'prod' is destructive");
    expect(err).toContain(`analytics.product_sales is removed: view analytics.product_sales is dropped and table ${productSales} is no longer used here`);
    expect(err).toContain('hint: pass --allow-destructive');
    expect(await catalog(query)).toEqual(before);

    const dry = await cli(p, ['plan', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.io.stdout.join('\n')).toContain('Destructive changes to protected environment prod:');

    const allowed = await cli(p, ['plan', '--yes', '--allow-destructive']);
    expect(allowed.code).toBe(0);
    expect(await catalog(query)).not.toContain(expect.stringMatching(/^analytics\.product_sales /));
  });

  it('a forward-only change that drops a column of a prod table says which, and needs --allow-destructive', async () => {
    expect((await cli(p, ['plan', '--yes'])).code).toBe(0);
    const [orderTotals] = (await prodTables(p)).filter((t) => t.includes('order_totals'));
    const before = await tableStates(query, [orderTotals]);
    p.edit('models/analytics/order_totals.sql', '  COUNT(i.product_id) AS item_count,\n', '');

    // The unit test of order_totals names item_count: --skip-tests lets the plan through to the safeguard.
    const refused = await cli(p, ['plan', '--forward-only', '--skip-tests', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.io.stdout.join('\n')).toContain('Destructive changes to protected environment prod:');
    expect(refused.io.stderr.join('\n')).toContain(`analytics.order_totals changes forward-only in place, in table ${orderTotals}: column item_count is dropped with its data`);
    expect(await tableStates(query, [orderTotals])).toEqual(before);

    const allowed = await cli(p, ['plan', '--forward-only', '--skip-tests', '--yes', '--allow-destructive']);
    expect(allowed.code, allowed.io.text()).toBe(0);
    const after = await tableStates(query, [orderTotals]);
    expect(after[orderTotals].columns).not.toContain('item_count');
    expect(after[orderTotals].rows).toBe(before[orderTotals].rows);
  });
});

describe.skipIf(!server.available)(`protected environments on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  eachPgProject((d, q) => ((db = d), (p = q)));

  it('dev applies with breaking, non-breaking, metadata and forward-only changes never write to a table prod uses', async () => {
    await devNeverTouchesProd(p, (sql) => db.query(sql));
  });
});
