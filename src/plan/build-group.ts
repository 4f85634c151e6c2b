import type { Snapshot } from '../snapshot/snapshot.js';
import { builtKey, type PhysicalTableRecord } from '../state/state-store.js';
import { quoteTable } from '../util/identifiers.js';
import { auditBuiltSnapshot, type AuditStageDeps } from '../audit/run-audits.js';
import { withBuildTimeLimit } from '../governance/policies.js';
import { buildsWhole, buildWholeTable, type BackfillDeps } from './backfill-runner.js';
import { buildSnapshot } from './build-snapshot.js';
import { NO_CRASH_POINTS } from './crash-points.js';
import type { SnapshotBackfill } from './plan.js';
import { fullRefreshTimes } from './render-snapshot.js';

/**
 * Most models a group commits at once. On DuckDB a commit of a new table costs more than
 * a small model (about 4 ms against 1 ms at a few rows): a group of 50 pays it once; a
 * bigger one gains little more and loses more work to a failure.
 */
export const GROUP_SIZE = 50;

/** One build of a group: where it is in the apply's list, and its intervals if it tracks them. */
export interface GroupedBuild {
  snapshot: Snapshot;
  index: number;
  work?: SnapshotBackfill;
}

/**
 * Whether a build may join a group: a model without intervals (a view, a seed, ...), or a
 * new table built whole in one statement. Tables with several batches, tables being filled
 * further, and restatements keep a transaction per batch, so a failure loses one batch.
 */
export function groupable(work: SnapshotBackfill | undefined, builtBefore: boolean, snapshot: Snapshot): boolean {
  if (!work) return true;
  return !builtBefore && work.restate.length === 0 && buildsWhole(snapshot, work);
}

export interface GroupDeps extends BackfillDeps {
  audits: AuditStageDeps;
  /** How many builds the apply has, for the reporter. */
  total: number;
  /** `policies.maxBuildMinutes` of the plan's environment: each model's build is held to it. */
  maxBuildMinutes?: number;
  /** Who holds the group's locks, as other processes see it (PostgreSQL). */
  holder: string;
}

/**
 * Builds a group of models, parents first, and records them, in one transaction: a
 * failure or a crash anywhere in it rolls back every object and record of the group, so no
 * table is recorded without its data, none is left built but unrecorded, and a rerun
 * builds the whole group again. Only where state shares the engine's transactions.
 *
 * Where other processes may build the same versions (PostgreSQL), the group first takes
 * its tables' turns (the locks a single build takes in `withTableTurn`), then in its
 * transaction the name locks of all its objects, each set at once and in one fixed order
 * so two groups never wait on each other in a cycle; then it reads what state records
 * now and skips what another process built meanwhile.
 */
export async function buildGroup(group: readonly GroupedBuild[], deps: GroupDeps): Promise<void> {
  if (!group.length) return;
  const { engine, state, reporter } = deps;
  const points = deps.crashPoints ?? NO_CRASH_POINTS;
  /** Each model's own time, from its start to its audits passing (the commit is the group's). */
  const took = new Map<string, number>();
  const turns = await engine.locks?.lockAll(
    group.filter((b) => b.work).map((b) => `backfill ${quoteTable(b.snapshot.physical)}`),
    deps.holder,
  );
  const run = async () => {
    let todo = group;
    if (engine.locks) {
      await engine.lockNames?.(group.map((b) => b.snapshot.physical));
      const recorded = await state.getBuiltTables(group.map((b) => builtKey(b.snapshot.name, b.snapshot.version)));
      todo = group.filter((b) => !recorded.has(builtKey(b.snapshot.name, b.snapshot.version)));
    }
    await buildAndRecord(todo, deps, took);
  };
  try {
    // Builds wait for the locks they need as long as it takes, as a single build's create
    // does: retrying the whole group after a short wait would give up on a long build.
    await engine.transaction(run, { lockTimeoutMs: 0 });
  } finally {
    await turns?.release();
  }
  // Each table's one batch committed with the group, as a single build's does with it.
  for (const { work } of group) if (work) await points.reach('after-batch');
  await points.reach('after-record-built');
  for (const { snapshot, index, work } of group) {
    const ms = took.get(snapshot.id) ?? 0;
    if (work) {
      const rows = reporter.batchFinished ? await engine.ops.countRows(snapshot.physical) : undefined;
      reporter.batchFinished?.(snapshot, 0, 1, work.batches[0], rows, ms);
    }
    reporter.buildFinished?.(snapshot, index, deps.total, ms);
  }
}

/** The group's builds, parents first, and their records, in the caller's transaction. */
async function buildAndRecord(group: readonly GroupedBuild[], deps: GroupDeps, took: Map<string, number>): Promise<void> {
  const { engine, state, reporter } = deps;
  const points = deps.crashPoints ?? NO_CRASH_POINTS;
  const clock = deps.clock ?? deps.now;
  const built: PhysicalTableRecord[] = [];
  const intervals: { name: string; version: string; intervals: SnapshotBackfill['batches'][number]['intervals'] }[] = [];
  for (const { snapshot, index, work } of group) {
    reporter.buildStarted?.(snapshot, index, deps.total);
    const started = Date.now();
    if (work) {
      const batch = work.batches[0];
      reporter.batchStarted?.(snapshot, 0, 1, batch);
      await withBuildTimeLimit(snapshot, engine, deps.maxBuildMinutes, () => buildWholeTable(snapshot, batch, deps));
      intervals.push({ name: snapshot.name, version: snapshot.version, intervals: batch.intervals });
    } else {
      await withBuildTimeLimit(snapshot, engine, deps.maxBuildMinutes, () => buildSnapshot(snapshot, deps.parentOf, { engine, projectDir: deps.projectDir }, deps.now()));
    }
    await points.reach('after-build');
    // Audits pass before the table is recorded: a failed one rolls the group back.
    if (!work) await auditBuiltSnapshot(snapshot, deps.audits, fullRefreshTimes(snapshot, deps.now()));
    took.set(snapshot.id, Date.now() - started);
    built.push({ name: snapshot.name, version: snapshot.version, ...snapshot.physical, builtAt: clock().getTime() });
  }
  await state.recordBuiltTables(built);
  await state.addFreshIntervals(intervals);
}
