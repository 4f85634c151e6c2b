import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invalidateCommand } from '../../src/cli/commands/invalidate.js';
import { janitorCommand } from '../../src/cli/commands/janitor.js';
import type { Context } from '../../src/context.js';
import { runJanitor } from '../../src/lifecycle/janitor.js';
import { verifyState } from '../../src/lifecycle/verify.js';
import { captureIO } from '../helpers/capture-io.js';
import { breakOrderTotals, catalog, prodAnswers, query, schemas } from '../helpers/lifecycle-fixtures.js';
import { TempProject } from '../helpers/project.js';

/** These tests count what dev leaves behind: dev is planned lean (views only for what it changes), so each view is named; complete environments are cleaned up in virtual-layouts.test.ts. */
const LEAN = { changedOnly: true };

const DAY = 86_400_000;

/** Physical tables (as `schema.table`) the environment's snapshots name. */
async function tablesOf(ctx: Context, environment: string): Promise<string[]> {
  const env = (await ctx.state.getEnvironment(environment))!;
  const snaps = await ctx.state.getSnapshots(Object.values(env.snapshots));
  return [...snaps.values()].map((s) => `${s.physical.schema}.${s.physical.table}`).sort();
}

/** Applies prod, then dev with a breaking change to order_totals; returns the tables only dev uses. */
async function prodAndBrokenDev(p: TempProject): Promise<string[]> {
  await p.planAndApply('prod');
  breakOrderTotals(p);
  await p.planAndApply('dev', LEAN);
  return p.with(async (ctx) => {
    const prod = await tablesOf(ctx, 'prod');
    return (await tablesOf(ctx, 'dev')).filter((t) => !prod.includes(t));
  });
}

const physical = (ctx: Context) => catalog(ctx).then((all) => all.filter((t) => t.startsWith('planner__')).map((t) => t.split(' ')[0]));

describe('invalidate and janitor on DuckDB', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('removes every __dev schema and every table only dev used, and nothing prod uses', async () => {
    await p.planAndApply('prod');
    breakOrderTotals(p);
    await p.planAndApply('dev', LEAN);
    const before = await prodAnswers(p);
    const { prodTables, devOnly } = await p.with(async (ctx) => {
      const prodTables = await tablesOf(ctx, 'prod');
      return { prodTables, devOnly: (await tablesOf(ctx, 'dev')).filter((t) => !prodTables.includes(t)) };
    });
    expect(devOnly).toHaveLength(3);
    expect((await p.with(schemas)).filter((s) => s.endsWith('__dev'))).toEqual(['analytics__dev']);

    const io = captureIO();
    expect(await invalidateCommand({ project: p.dir, environment: 'dev' }, io)).toBe(0);
    expect(io.text()).toContain('Environment dev expired now');
    // Expired: gone for planning and reading, but nothing dropped yet.
    await expect(p.with((ctx) => ctx.fetch('SELECT 1', 'dev'))).rejects.toThrow(/environment 'dev' expired/);
    expect(await p.with(physical)).toEqual(expect.arrayContaining(devOnly));

    // Spy on the statements: the janitor never uses CASCADE.
    const statements: string[] = [];
    const report = await p.with(async (ctx) => {
      const execute = ctx.engine.execute.bind(ctx.engine);
      ctx.engine.execute = (sql: string) => (statements.push(sql), execute(sql));
      return runJanitor({ engine: ctx.engine, state: ctx.state, now: ctx.now() }, { ignoreTtl: true });
    });
    expect(report.failures).toEqual([]);
    expect(report.environments).toEqual(['dev']);
    expect(report.tables.sort()).toEqual(devOnly);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => /cascade/i.test(s))).toEqual([]);

    await p.with(async (ctx) => {
      expect((await schemas(ctx)).filter((s) => s.includes('__dev'))).toEqual([]);
      const left = await physical(ctx);
      expect(left.sort()).toEqual(prodTables.filter((t) => left.includes(t)).sort());
      expect(prodTables.every((t) => left.includes(t))).toBe(true);
      expect(await ctx.state.getEnvironment('dev')).toBeUndefined();
      const rows = await ctx.state.listBuiltTables();
      expect(rows.map((r) => `${r.schema}.${r.table}`).sort()).toEqual(prodTables);
      const refs = await ctx.state.listSnapshotRefs();
      expect(refs).toHaveLength(12);
      expect((await verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() })).problems).toEqual([]);
    });
    expect(await prodAnswers(p)).toEqual(before);

    // Nothing left to do: a second run changes nothing.
    const again = captureIO();
    expect(await janitorCommand({ project: p.dir, ignoreTtl: true }, again)).toBe(0);
    expect(again.text()).toContain('Nothing to clean up');
  });

  it('keeps unused tables until their snapshot TTL passes unless --ignore-ttl', async () => {
    const devOnly = await prodAndBrokenDev(p);
    await invalidateCommand({ project: p.dir, environment: 'dev' }, captureIO());
    const io = captureIO();
    expect(await janitorCommand({ project: p.dir, json: true }, io)).toBe(0);
    const first = JSON.parse(io.stdout[0]);
    expect(first.environments).toEqual(['dev']);
    expect(first.views).toHaveLength(3);
    expect(first.tables).toEqual([]);
    expect(first.waiting.map((w: { table: string }) => w.table).sort()).toEqual(devOnly);
    expect(await p.with(physical)).toEqual(expect.arrayContaining(devOnly));

    // Six days later they still wait; eight days later they go.
    const at = (days: number) => ({ now: () => new Date(Date.now() + days * DAY) });
    const six = await p.with((ctx) => runJanitor({ engine: ctx.engine, state: ctx.state, now: ctx.now() }), at(6));
    expect(six.tables).toEqual([]);
    const eight = await p.with((ctx) => runJanitor({ engine: ctx.engine, state: ctx.state, now: ctx.now() }), at(8));
    expect(eight.tables.sort()).toEqual(devOnly);
    expect(eight.snapshotsDeleted).toBe(3);
    expect((await p.with(physical)).filter((t) => devOnly.includes(t))).toEqual([]);
  });

  it('keeps a table that a third environment shares with the invalidated one, and that environment keeps working', async () => {
    await p.planAndApply('prod');
    breakOrderTotals(p);
    const productSales = p.read('models/analytics/product_sales.sql');
    p.edit('models/analytics/product_sales.sql', /WHERE o\.status = 'completed'/, "WHERE o.status IN ('completed', 'shipped')");
    await p.planAndApply('dev', LEAN);
    p.write('models/analytics/product_sales.sql', productSales);
    await p.planAndApply('staging', LEAN);
    const shared = await p.with(async (ctx) => {
      const staging = await tablesOf(ctx, 'staging');
      const prod = await tablesOf(ctx, 'prod');
      const dev = await tablesOf(ctx, 'dev');
      return { staging, devOnly: dev.filter((t) => !staging.includes(t) && !prod.includes(t)), sharedWithDev: staging.filter((t) => dev.includes(t) && !prod.includes(t)) };
    });
    expect(shared.sharedWithDev).toHaveLength(3);
    expect(shared.devOnly).toEqual([expect.stringContaining('analytics__product_sales__')]);
    const stagingBefore = await query(p, 'SELECT count(*) AS n, sum(revenue) AS r FROM analytics__staging.order_totals');
    const customersBefore = await p.with(async (ctx) => (await ctx.fetch('SELECT count(*) AS n FROM analytics.customers', 'staging')).rows);

    const io = captureIO();
    expect(await invalidateCommand({ project: p.dir, environment: 'dev', sync: true, ignoreTtl: true, json: true }, io)).toBe(0);
    const out = JSON.parse(io.stdout[0]);
    expect(out.janitor.tables).toEqual(shared.devOnly);

    expect(await query(p, 'SELECT count(*) AS n, sum(revenue) AS r FROM analytics__staging.order_totals')).toEqual(stagingBefore);
    await p.with(async (ctx) => {
      const left = await physical(ctx);
      expect(shared.staging.every((t) => left.includes(t))).toBe(true);
      expect((await ctx.fetch('SELECT count(*) AS n FROM analytics.customers', 'staging')).rows).toEqual(customersBefore);
      expect((await verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() })).problems).toEqual([]);
    });
  });

  it('goes on past a failure, keeps the environment, and finishes when run again', async () => {
    const devOnly = await prodAndBrokenDev(p);
    await invalidateCommand({ project: p.dir, environment: 'dev' }, captureIO());
    // Someone put a table where a dev view was, and a killed run already dropped one dev table.
    await query(p, 'DROP VIEW analytics__dev.customers; CREATE TABLE analytics__dev.customers AS SELECT 1 AS x');
    const [schema, table] = devOnly[0].split('.');
    await query(p, `DROP TABLE "${schema}"."${table}"`);

    const io = captureIO();
    expect(await janitorCommand({ project: p.dir, ignoreTtl: true, json: true }, io)).toBe(1);
    const first = JSON.parse(io.stdout[0]);
    expect(first.failures).toEqual([{ object: 'analytics__dev.customers', message: expect.stringContaining('is a table, not the view') }]);
    expect(first.views.sort()).toEqual(['analytics__dev.daily_revenue', 'analytics__dev.order_totals']);
    expect(first.environments).toEqual([]);
    // dev is still in state, so its tables stay.
    expect(first.tables).toEqual([]);
    expect(await p.with((ctx) => ctx.state.getEnvironment('dev'))).toBeDefined();

    await query(p, 'DROP TABLE analytics__dev.customers');
    const second = captureIO();
    expect(await janitorCommand({ project: p.dir, ignoreTtl: true, json: true }, second)).toBe(0);
    const report = JSON.parse(second.stdout[0]);
    expect(report).toMatchObject({ environments: ['dev'], failures: [], schemas: ['analytics__dev'] });
    expect(report.tables.sort()).toEqual(devOnly.slice(1).sort());
    await p.with(async (ctx) => {
      expect((await ctx.state.listBuiltTables()).map((r) => `${r.schema}.${r.table}`).filter((t) => devOnly.includes(t))).toEqual([]);
      expect((await verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() })).problems).toEqual([]);
    });
  });

  it('skips an expired environment whose lock an apply holds, and removes it once released', async () => {
    const devOnly = await prodAndBrokenDev(p);
    await invalidateCommand({ project: p.dir, environment: 'dev' }, captureIO());
    await p.with(async (ctx) => {
      const lock = await ctx.lockEnvironment('dev', 'a1b2c3');
      const first = await ctx.janitor({ ignoreTtl: true });
      expect(first.failures).toEqual([{ object: 'environment dev', message: expect.stringContaining("skipped: environment 'dev' is locked") }]);
      expect([first.views, first.tables, first.environments]).toEqual([[], [], []]);
      expect(await ctx.state.getEnvironment('dev')).toBeDefined();
      await lock.release();
      const second = await ctx.janitor({ ignoreTtl: true });
      expect(second).toMatchObject({ environments: ['dev'], failures: [] });
      expect(second.tables.sort()).toEqual(devOnly);
    });
  });

  it('never drops an unused table that a view outside state still reads', async () => {
    await p.planAndApply('prod');
    breakOrderTotals(p);
    await p.planAndApply('dev', LEAN);
    const devOrderTotals = await p.with(async (ctx) => (await tablesOf(ctx, 'dev')).find((t) => t.includes('order_totals'))!);
    const [schema, table] = devOrderTotals.split('.');
    await query(p, `CREATE SCHEMA reports; CREATE VIEW reports.kept_orders AS SELECT * FROM "${schema}"."${table}"`);
    await invalidateCommand({ project: p.dir, environment: 'dev' }, captureIO());
    const readBefore = await query(p, 'SELECT count(*) AS n, sum(revenue) AS r FROM reports.kept_orders');

    const report = await p.with((ctx) => runJanitor({ engine: ctx.engine, state: ctx.state, now: ctx.now() }, { ignoreTtl: true }));
    expect(report.kept).toEqual([{ table: devOrderTotals, reason: 'view reports.kept_orders reads it' }]);
    expect(report.tables).toHaveLength(2);
    expect(report.tables).not.toContain(devOrderTotals);
    expect(await query(p, 'SELECT count(*) AS n, sum(revenue) AS r FROM reports.kept_orders')).toEqual(readBefore);
    // Its state stays too, so a later run (once the view is gone) can still find and drop it.
    await query(p, 'DROP VIEW reports.kept_orders');
    const later = await p.with((ctx) => runJanitor({ engine: ctx.engine, state: ctx.state, now: ctx.now() }, { ignoreTtl: true }));
    expect(later.tables).toEqual([devOrderTotals]);
  });

  it('a plan of an expired environment recreates it from prod and replaces the expired views', async () => {
    await p.planAndApply('prod');
    breakOrderTotals(p);
    const first = await p.planAndApply('dev', LEAN);
    await invalidateCommand({ project: p.dir, environment: 'dev' }, captureIO());
    // Undo the change, make another one: the new dev views only product_sales.
    p.edit('models/analytics/order_totals.sql', "WHERE o.status <> 'cancelled'\n", '');
    p.edit('models/analytics/product_sales.sql', /description '[^']*'/, "description 'Units and revenue per product'");
    const { plan } = await p.planAndApply('dev', LEAN);
    expect(plan).toMatchObject({ isNewEnvironment: true, base: 'prod', expectedPlanId: first.plan.id });
    expect(plan.directlyModified).toEqual([{ name: 'analytics.product_sales', category: 'metadata', changed: ['description'] }]);
    await p.with(async (ctx) => {
      expect((await catalog(ctx)).filter((t) => t.startsWith('analytics__dev.'))).toEqual(['analytics__dev.product_sales VIEW']);
      const env = (await ctx.state.getEnvironment('dev'))!;
      expect(env.expiresAt).toBeGreaterThan(Date.now());
      expect(env.views).toEqual(['analytics.product_sales']);
      expect((await verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() })).problems).toEqual([]);
    });
  });
});
