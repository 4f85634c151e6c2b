import type { EngineAdapter } from '../engine/engine-adapter.js';
import { kindStrategy } from '../kinds/registry.js';
import { subtractIntervals, type Interval } from '../intervals/interval.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { quoteTable } from '../util/identifiers.js';
import { builtKey, type StateStore } from '../state/state-store.js';
import { buildSnapshot, builtQuery, computeBatch, insertableColumns, runStatements, tableOps } from './build-snapshot.js';
import { NO_CRASH_POINTS, type CrashPoints } from './crash-points.js';
import type { BackfillBatch, SnapshotBackfill } from './plan.js';
import type { ApplyReporter } from './reporter.js';

export interface BackfillDeps {
  engine: EngineAdapter;
  state: StateStore;
  projectDir: string;
  parentOf: (name: string) => Snapshot | undefined;
  reporter: ApplyReporter;
  /** The execution time: what the batches render as now (`--execution-time`). */
  now: () => Date;
  /** The wall clock, for recorded facts (built_at); the execution time when absent. */
  clock?: () => Date;
  /** State shares the engine's transactions: a batch and its interval record commit together. */
  atomic: boolean;
  /** Runs after each batch, before its intervals are recorded (blocking audits throw). */
  afterBatch?: (snapshot: Snapshot, batch: BackfillBatch) => Promise<void>;
  /** Test hooks (ContextOptions.crashPoints). */
  crashPoints?: CrashPoints;
}

/** What one snapshot's backfill did. */
export interface BackfillOutcome {
  batches: number;
  intervals: Interval[];
  rows?: number;
}

/**
 * Computes one snapshot's batches in order: creates its table first if it has none,
 * forgets restated intervals, skips batches recorded since the plan was made (a rerun
 * after a crash), and records each batch's intervals only once the batch succeeded.
 */
export async function backfillSnapshot(snapshot: Snapshot, work: SnapshotBackfill, deps: BackfillDeps, tableBuilt: boolean): Promise<BackfillOutcome> {
  const { engine, state, reporter } = deps;
  const key = builtKey(snapshot.name, snapshot.version);
  // Restated intervals, or stale ones of a dropped table of this version, are forgotten
  // first; where state shares the engine's transactions, together with the first batch, so
  // a crash in between cannot leave a gap that `planner run` would never fill.
  let forget = work.restate.length > 0;
  if (forget && !(deps.atomic && work.batches.length && tableBuilt)) {
    await state.removeIntervals(snapshot.name, snapshot.version, work.restate);
    forget = false;
  }
  let done: Interval[] = [];
  if (!tableBuilt) {
    if (buildsWhole(snapshot, work)) return buildWhole(snapshot, work.batches[0], deps);
    await buildSnapshot(snapshot, deps.parentOf, { engine, projectDir: deps.projectDir }, deps.now());
    await state.recordBuilt({ name: snapshot.name, version: snapshot.version, ...snapshot.physical, builtAt: (deps.clock ?? deps.now)().getTime() });
  } else {
    done = (await state.getIntervals([key])).get(key) ?? [];
    // Still recorded until the first batch commits, but to be computed again.
    if (forget) done = subtractIntervals(done, work.restate);
  }
  const todo = work.batches.filter((b) => subtractIntervals(b.intervals, done).length > 0);
  const outcome: BackfillOutcome = { batches: todo.length, intervals: todo.flatMap((b) => b.intervals) };
  if (!todo.length) {
    if (forget) await state.removeIntervals(snapshot.name, snapshot.version, work.restate);
    return outcome;
  }
  const columns = await insertableColumns(snapshot, engine);
  const count = Boolean(reporter.batchFinished);
  for (const [i, batch] of todo.entries()) {
    reporter.batchStarted?.(snapshot, i, todo.length, batch);
    const started = Date.now();
    const compute = async () => {
      const rows = await computeBatch(snapshot, batch, { ...deps, columns, execution: deps.now(), count });
      await deps.afterBatch?.(snapshot, batch);
      return rows;
    };
    const record = () => state.addIntervals(snapshot.name, snapshot.version, batch.intervals);
    let rows: number | undefined;
    if (deps.atomic) {
      rows = await engine.transaction(async () => {
        if (forget) await state.removeIntervals(snapshot.name, snapshot.version, work.restate);
        const n = await compute();
        await record();
        return n;
      });
      forget = false;
    } else {
      rows = await engine.transaction(compute);
      await record();
    }
    if (rows !== undefined) outcome.rows = (outcome.rows ?? 0) + rows;
    await (deps.crashPoints ?? NO_CRASH_POINTS).reach('after-batch');
    reporter.batchFinished?.(snapshot, i, todo.length, batch, rows, Date.now() - started);
  }
  return outcome;
}

/**
 * Runs `fn` holding the table's backfill lock (PostgreSQL; DuckDB's file lock already
 * admits one process), telling it whether the table is built as state says now: several
 * environments filling the same version take turns, and each sees what the others did.
 */
export async function withTableTurn<T>(
  snapshot: Snapshot,
  deps: Pick<BackfillDeps, 'engine' | 'state'>,
  holder: string,
  builtBefore: boolean,
  fn: (built: boolean) => Promise<T>,
): Promise<T> {
  const lock = await deps.engine.locks?.lock(`backfill ${quoteTable(snapshot.physical)}`, holder);
  try {
    const key = builtKey(snapshot.name, snapshot.version);
    return await fn(lock ? (await deps.state.getBuiltTables([key])).has(key) : builtBefore);
  } finally {
    await lock?.release();
  }
}

/**
 * A new table whose one batch covers it all (FULL) in one CREATE TABLE AS, as a plain script would build it: the
 * statements an empty table and an insert would add cost more than the model on small
 * tables. Audited, then recorded built with its intervals.
 */
async function buildWhole(snapshot: Snapshot, batch: BackfillBatch, deps: BackfillDeps): Promise<BackfillOutcome> {
  const started = Date.now();
  deps.reporter.batchStarted?.(snapshot, 0, 1, batch);
  const build = () => buildWholeTable(snapshot, batch, deps);
  const record = async () => {
    await deps.state.recordBuilt({ name: snapshot.name, version: snapshot.version, ...snapshot.physical, builtAt: (deps.clock ?? deps.now)().getTime() });
    // Stale intervals of a dropped table were forgotten before the build: none to merge.
    await deps.state.addIntervals(snapshot.name, snapshot.version, batch.intervals, { fresh: true });
  };
  // One commit per table where state shares the engine's transactions: faster, and a
  // table is never recorded without its data or left unrecorded with it.
  if (deps.atomic) {
    await deps.engine.transaction(async () => {
      await build();
      await record();
    });
  } else {
    await deps.engine.transaction(build);
    await record();
  }
  await (deps.crashPoints ?? NO_CRASH_POINTS).reach('after-batch');
  const rows = deps.reporter.batchFinished ? await deps.engine.ops.countRows(snapshot.physical) : undefined;
  deps.reporter.batchFinished?.(snapshot, 0, 1, batch, rows, Date.now() - started);
  return { batches: 1, intervals: batch.intervals, rows };
}

/**
 * The statements of a whole build (run them in a transaction): replaces any leftover,
 * creates the table from the query between the model's statements, and audits it.
 */
export async function buildWholeTable(snapshot: Snapshot, batch: BackfillBatch, deps: Pick<BackfillDeps, 'engine' | 'parentOf' | 'now' | 'afterBatch'>): Promise<void> {
  const times = { start: new Date(batch.start), end: new Date(batch.end), execution: deps.now() };
  // State says this version is not built, and we hold its table: anything there is a
  // leftover of a killed run, never kept (it may hold an older day's data). An engine whose
  // create replaces it needs no statement of its own for that.
  if (!deps.engine.capabilities.createReplacesTable) await deps.engine.ops.dropTable(snapshot.physical);
  await runStatements(snapshot, 'pre', deps, times, 'evaluating');
  await tableOps(snapshot, deps.engine).createTableAs(snapshot.physical, await builtQuery(snapshot, deps.parentOf, times, deps.engine));
  await runStatements(snapshot, 'post', deps, times, 'evaluating');
  await deps.afterBatch?.(snapshot, batch);
}

/** Whether a table not built yet is built whole by one CREATE TABLE AS (`buildWhole`). */
export function buildsWhole(snapshot: Snapshot, work: SnapshotBackfill): boolean {
  return Boolean(kindStrategy(snapshot.model.kind).intervals?.buildsWholeInOneStatement) && work.batches.length === 1;
}
