import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/plan.js';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import { ConflictError } from '../../src/errors.js';
import { PlanReadsCache } from '../../src/state/plan-reads-cache.js';
import { stableStringify } from '../../src/util/stable-json.js';
import { TempProject } from '../helpers/project.js';
import { appendLanding, createLanding, DUCKDB_CONFIG, IncrementalProject } from './incremental-fixture.js';

const WAREHOUSE = '.planner/warehouse.duckdb';
const RECORDING = '.planner/cache/plan-reads.cache';

/** A plan as text without what differs between two plans of the same thing (its id, and when it and its new snapshots were made). */
const planText = (plan: Plan) => {
  const snapshots = Object.fromEntries(Object.entries(plan.snapshots).map(([id, s]) => [id, plan.newSnapshotIds.includes(id) ? { ...s, createdAt: 0 } : s]));
  return stableStringify({ ...plan, id: undefined, createdAt: undefined, snapshots });
};

/** SQL on the warehouse file itself, as another tool would write it. */
async function rawSql(p: TempProject, sql: string): Promise<Record<string, unknown>[]> {
  const duck = await DuckDBAdapter.open(p.path(WAREHOUSE));
  try {
    return (await duck.query(sql)).rows;
  } finally {
    await duck.close();
  }
}

/** Plans `environment` in a lazy context (as `planner plan` does); whether it opened the warehouse. */
async function lazyPlan(p: TempProject, environment = 'prod'): Promise<{ plan: Plan; opened: boolean }> {
  return p.with(async (ctx) => {
    const plan = await ctx.plan(environment);
    return { plan, opened: ctx.isOpen };
  }, { lazy: true });
}

/** Issue #15: a no-op plan of an unchanged DuckDB warehouse answers from the last plan's recorded reads. */
describe('recorded plan reads', () => {
  let p: TempProject;
  beforeEach(async () => {
    p = new TempProject();
    await p.planAndApply('prod');
  });
  afterEach(() => p.remove());

  it('a second plan of an unchanged warehouse does not open it, and is the same plan', async () => {
    const first = await lazyPlan(p);
    expect(first.opened).toBe(true);
    expect(existsSync(p.path(RECORDING))).toBe(true);
    const second = await lazyPlan(p);
    expect(second.opened).toBe(false);
    expect(planText(second.plan)).toBe(planText(first.plan));
    // Deleting the recording changes nothing but time.
    rmSync(p.path(RECORDING));
    const third = await lazyPlan(p);
    expect(third.opened).toBe(true);
    expect(planText(third.plan)).toBe(planText(first.plan));
  });

  it("keeps the reads of every plan of the same warehouse: another environment's plan does not push out prod's", async () => {
    await lazyPlan(p);
    // A change whose stored definition only the warehouse has now: that plan reads it there, and adds its reads.
    rmSync(p.path('.planner/cache/snapshots.cache'));
    p.edit('models/staging/orders.sql', /^SELECT/m, 'SELECT\n  1 AS marker,');
    expect((await lazyPlan(p, 'dev_a')).opened).toBe(true);
    p.edit('models/staging/orders.sql', '1 AS marker,', '');
    expect((await lazyPlan(p)).opened).toBe(false);
    p.edit('models/staging/orders.sql', /^SELECT/m, 'SELECT\n  1 AS marker,');
    const dev = await lazyPlan(p, 'dev_a');
    expect(dev.opened).toBe(false);
    expect(dev.plan.isNewEnvironment).toBe(true);
  });

  it('answers a plan that asks other keys (a changed model, another environment) from the index and the kept snapshots, as state would', async () => {
    await lazyPlan(p);
    p.edit('models/staging/orders.sql', /^SELECT/m, 'SELECT\n  1 AS marker,');
    const replayed = await lazyPlan(p, 'dev_a');
    expect(replayed.opened).toBe(false);
    expect(replayed.plan.directlyModified.map((c) => c.name)).toEqual(['staging.orders']);
    // Answered key by key again: nothing it asked was added to the recording.
    const again = await lazyPlan(p, 'dev_a');
    expect(again.opened).toBe(false);
    expect(planText(again.plan)).toBe(planText(replayed.plan));
    const read = await p.with((ctx) => ctx.plan('dev_a'));
    expect(planText(replayed.plan)).toBe(planText(read));
  });

  it('opens the warehouse once however many callers need it at once', async () => {
    const ctx = await p.open({ lazy: true });
    try {
      await Promise.all([ctx.ready(), ctx.ready(), ctx.knownEnvironments()]);
      expect(await ctx.knownEnvironments()).toEqual(['prod']);
    } finally {
      await ctx.close();
    }
  });

  it('sees any write to the warehouse after the recording, even one made at once by another tool', async () => {
    await p.planAndApply('dev_a');
    expect((await lazyPlan(p, 'dev_a')).plan.isNewEnvironment).toBe(false);
    await rawSql(p, `DELETE FROM planner_state.environments WHERE name = 'dev_a'`);
    const after = await lazyPlan(p, 'dev_a');
    expect(after.opened).toBe(true);
    expect(after.plan.isNewEnvironment).toBe(true);
  });

  it('a recording is used while the warehouse is untouched, and never once it is touched', async () => {
    // Recorded before dev_a exists, then made stale by an apply and stamped as if it were current:
    // what a plan then says comes from the recording alone.
    expect((await lazyPlan(p, 'dev_a')).plan.isNewEnvironment).toBe(true);
    await p.planAndApply('dev_a');
    const restamp = () => {
      const stored = deserialize(readFileSync(p.path(RECORDING))) as { stamp: Record<string, string> };
      const s = statSync(p.path(WAREHOUSE), { bigint: true });
      stored.stamp = { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
      writeFileSync(p.path(RECORDING), serialize(stored));
    };
    restamp();
    const poisoned = await lazyPlan(p, 'dev_a');
    expect(poisoned.opened).toBe(false);
    expect(poisoned.plan.isNewEnvironment).toBe(true);

    // Touched: a new modification time (and change time) is a miss, and the plan reads state.
    const later = new Date(Date.now() + 5_000);
    utimesSync(p.path(WAREHOUSE), later, later);
    const touched = await lazyPlan(p, 'dev_a');
    expect(touched.opened).toBe(true);
    expect(touched.plan.isNewEnvironment).toBe(false);

    // A recording no newer than the warehouse's last write is not trusted, even with its stamp.
    await p.planAndApply('dev_b');
    expect((await lazyPlan(p, 'dev_a')).opened).toBe(true);
    restamp();
    const warehouseTime = new Date(Math.floor(statSync(p.path(WAREHOUSE)).mtimeMs) - 1);
    utimesSync(p.path(RECORDING), warehouseTime, warehouseTime);
    expect((await lazyPlan(p, 'dev_a')).opened).toBe(true);
  });

  // Another file system may keep another clock, or a coarser one, than the project's: its warehouse is never trusted to a recording.
  it.skipIf(!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tmpdir()).dev)('never uses a recording of a warehouse on another file system', async () => {
    const elsewhere = mkdtempSync(join('/dev/shm', 'planner-warehouse-'));
    try {
      p.edit('planner.config.ts', "path: '.planner/warehouse.duckdb'", `path: '${join(elsewhere, 'warehouse.duckdb')}'`);
      await p.planAndApply('prod');
      expect((await lazyPlan(p)).opened).toBe(true);
      expect((await lazyPlan(p)).opened).toBe(true);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a write-ahead log beside the warehouse, another key or a damaged file is a miss', async () => {
    await lazyPlan(p);
    const config = await p.with(async (ctx) => ctx.config);
    const key = { stateSchema: config.stateSchema, project: config.project, sharedState: config.sharedState };
    const gateway = { type: 'duckdb' as const, path: WAREHOUSE };
    const cache = PlanReadsCache.for(p.dir, 'local', gateway, key)!;
    expect(cache.load()).toBeDefined();
    // The plan through `with` above opened the warehouse eagerly and changed nothing: still valid.
    writeFileSync(p.path(`${WAREHOUSE}.wal`), '');
    expect(cache.load()).toBeUndefined();
    rmSync(p.path(`${WAREHOUSE}.wal`));
    expect(cache.load()).toBeDefined();
    expect(PlanReadsCache.for(p.dir, 'local', gateway, { ...key, stateSchema: 'other_state' })!.load()).toBeUndefined();
    expect(PlanReadsCache.for(p.dir, 'local', gateway, { ...key, project: 'another' })!.load()).toBeUndefined();
    expect(PlanReadsCache.for(p.dir, 'other', gateway, key)!.load()).toBeUndefined();
    // Only a local DuckDB file that holds state qualifies.
    expect(PlanReadsCache.for(p.dir, 'local', { type: 'duckdb', path: ':memory:' }, key)).toBeUndefined();
    expect(PlanReadsCache.for(p.dir, 'local', { type: 'postgres', url: 'postgres://x' }, key)).toBeUndefined();
    expect(PlanReadsCache.for(p.dir, 'local', { ...gateway, state: { type: 'duckdb', path: 'state.duckdb' } }, key)).toBeUndefined();
    writeFileSync(p.path(RECORDING), 'not a recording');
    expect(cache.load()).toBeUndefined();
    const plan = await lazyPlan(p);
    expect(plan.opened).toBe(true);
    expect(plan.plan.builds).toEqual([]);
  });

  it('applies a plan made from a recording only if the warehouse did not change meanwhile', async () => {
    p.edit('models/staging/orders.sql', /^SELECT/m, 'SELECT\n  1 AS marker,');
    await lazyPlan(p, 'dev_a');
    // Planned from the recording, applied as it stands: the warehouse is as recorded.
    const applied = await p.with(async (ctx) => {
      const plan = await ctx.plan('dev_a');
      expect(ctx.isOpen).toBe(false);
      await ctx.apply(plan);
      return plan;
    }, { lazy: true });
    expect(applied.builds.length).toBeGreaterThan(0);
    const [env] = await rawSql(p, `SELECT plan_id FROM planner_state.environments WHERE name = 'dev_a'`);
    expect(env.plan_id).toBe(applied.id);

    // Planned from a recording, then another process applies first: refused, nothing done.
    p.edit('models/staging/orders.sql', '1 AS marker,', '2 AS marker,');
    await lazyPlan(p, 'dev_a');
    const ctx = await p.open({ lazy: true });
    let refused: unknown;
    let winner: Plan;
    try {
      const stale = await ctx.plan('dev_a');
      expect(ctx.isOpen).toBe(false);
      winner = (await p.planAndApply('dev_a')).plan;
      refused = await ctx.apply(stale).then(() => undefined, (err: unknown) => err);
    } finally {
      await ctx.close();
    }
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).code).toBe('stale_plan');
    const [now] = await rawSql(p, `SELECT plan_id FROM planner_state.environments WHERE name = 'dev_a'`);
    expect(now.plan_id).toBe(winner.id);
  });
});

/** `planner run` with nothing due answers from the recorded reads too; anything due opens the warehouse and runs. */
describe('recorded run reads', () => {
  let p: IncrementalProject;
  beforeEach(async () => {
    p = new IncrementalProject(DUCKDB_CONFIG);
    await p.at('2024-01-15T10:00:00Z', (ctx) => createLanding(ctx.engine, Array.from({ length: 14 }, (_, i) => i + 1)));
    await p.planApply('2024-01-15T10:00:00Z');
  });
  afterEach(() => p.remove());

  const lazyRun = (now: string) => p.at(now, async (ctx) => ({ result: await ctx.run('prod'), opened: ctx.isOpen }), { lazy: true });

  it('a second run with nothing due does not open the warehouse; a due interval runs as ever', async () => {
    await p.at('2024-01-15T22:00:00Z', (ctx) => appendLanding(ctx.engine, [15]));
    const first = await lazyRun('2024-01-15T23:00:00Z');
    expect(first).toEqual({ result: { environment: 'prod', models: [] }, opened: true });
    const second = await lazyRun('2024-01-15T23:30:00Z');
    expect(second).toEqual({ result: { environment: 'prod', models: [] }, opened: false });

    // Past midnight the next day is due: found from the same (still valid) reads, then run against the warehouse.
    const due = await lazyRun('2024-01-16T01:00:00Z');
    expect(due.opened).toBe(true);
    expect(due.result.models.map((m) => m.model).sort()).toEqual(['analytics.daily_events', 'analytics.event_totals', 'analytics.user_last_seen']);
    const day15 = await p.rows('2024-01-16T01:00:00Z', `SELECT count(*) AS n FROM analytics.daily_events WHERE event_date = DATE '2024-01-15'`);
    expect(Number(day15[0].n)).toBe(2);
    // That run wrote the warehouse: it left no recording, and the next run reads state again (nothing due).
    expect(await lazyRun('2024-01-16T02:00:00Z')).toEqual({ result: { environment: 'prod', models: [] }, opened: true });
    expect((await lazyRun('2024-01-16T03:00:00Z')).opened).toBe(false);
  });
});
