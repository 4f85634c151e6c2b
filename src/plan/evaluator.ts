import { ConflictError } from '../errors.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { modelViewName, viewName } from '../snapshot/virtual-names.js';
import { builtKey, type StateStore } from '../state/state-store.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { planParentOf, type Plan } from './plan.js';
import { auditBuiltSnapshot, auditStage, batchAuditor } from '../audit/run-audits.js';
import { buildSnapshot } from './build-snapshot.js';
import { grantViews } from '../governance/grants.js';
import { withBuildTimeLimit } from '../governance/policies.js';
import { maskedViewQuery, maskingViewQueries, masksOver } from '../governance/masking.js';
import { buildGroup, GROUP_SIZE, groupable, type GroupedBuild } from './build-group.js';
import { backfillSnapshot, withTableTurn, type BackfillDeps } from './backfill-runner.js';
import { NO_CRASH_POINTS, type CrashPoints } from './crash-points.js';
import { ForwardOnlyMigrations } from './forward-only.js';
import { fullRefreshTimes } from './render-snapshot.js';
import { silentReporter, type ApplyReporter } from './reporter.js';
import { runVirtualUpdates } from './virtual-update.js';

export interface EvaluatorDeps {
  engine: EngineAdapter;
  state: StateStore;
  projectDir: string;
  /** State lives on the engine's own connection: promotion and its record share a transaction. */
  stateSharesConnection: boolean;
  reporter?: ApplyReporter;
  /** The execution time: what queries render as now (`--execution-time`). */
  now?: () => Date;
  /** The wall clock, for recorded facts (built_at, when the environment was applied). */
  clock?: () => Date;
  /** `policies.maxRowsPerModel` of the plan's environment. */
  maxRowsPerModel?: number;
  /** `policies.maxBuildMinutes` of the plan's environment. */
  maxBuildMinutes?: number;
  /** Test hooks (ContextOptions.crashPoints). */
  crashPoints?: CrashPoints;
  /** `readRoles` of the plan's environment: granted on the views the promotion (re)creates (PostgreSQL). */
  readRoles?: readonly string[];
}

export interface ApplyResult {
  built: string[];
  viewsChanged: number;
  viewsDropped: number;
  /** The environment already held this plan (a rerun after a crash past the commit): nothing was done. */
  alreadyApplied?: boolean;
}

/**
 * Applies a plan in stages: check it is not stale, record new snapshots, build missing
 * tables parents first (each recorded only once fully built), then swap the
 * environment's views and record the environment, atomically where the engine allows.
 * Running it again after a crash picks up where it stopped.
 */
export async function applyPlan(plan: Plan, deps: EvaluatorDeps, expiresAt: number | null): Promise<ApplyResult> {
  const { engine, state } = deps;
  const reporter = deps.reporter ?? silentReporter;
  const now = deps.now ?? (() => new Date());
  const points = deps.crashPoints ?? NO_CRASH_POINTS;
  const crashPoint = (point: string) => points.reach(point);
  const clock = deps.clock ?? now;
  if (await assertNotStale(plan, state)) return { built: [], viewsChanged: 0, viewsDropped: 0, alreadyApplied: true };
  // Before any write: a forward-only change that would lose columns is refused here.
  const migrations = await ForwardOnlyMigrations.prepare(plan, engine, now(), maskingViewQueries(engine, () => state.listEnvironments()));

  const fresh = plan.newSnapshotIds.map((id) => plan.snapshots[id]);
  if (fresh.length) {
    await state.insertSnapshots(fresh);
    await assertSameVersions(fresh, state);
  }
  await crashPoint('after-snapshots');
  // A table recorded since the plan was made (by a killed run of it, or by another
  // environment's apply) is complete and may already be in use: it is never built again.
  const recorded = await state.getBuiltTables(plan.builds.map((id) => builtKey(plan.snapshots[id].name, plan.snapshots[id].version)));
  // Versions that track intervals go on: a built table may still miss intervals.
  const builds = plan.builds.filter((id) => plan.backfill?.[id] || !recorded.has(builtKey(plan.snapshots[id].name, plan.snapshots[id].version)));

  const parentOf = planParentOf(plan);
  const schemas = new Set(builds.map((id) => plan.snapshots[id].physical.schema));
  for (const schema of schemas) await engine.createSchema(schema);
  await migrations.applyReady();
  const audits = auditStage(engine, deps.projectDir, reporter.auditWarning?.bind(reporter), deps.maxRowsPerModel);
  const backfillDeps: BackfillDeps = {
    engine,
    state,
    projectDir: deps.projectDir,
    parentOf,
    reporter,
    now,
    clock,
    atomic: deps.stateSharesConnection && engine.capabilities.transactionalDdl,
    afterBatch: batchAuditor(audits, now),
    crashPoints: points,
  };
  // Where state shares the engine's transactions, consecutive simple builds commit in
  // groups: one commit per group, not per model (build-group.ts says how groups take turns
  // with other processes on PostgreSQL).
  const grouping = backfillDeps.atomic;
  const holder = `planner apply ${plan.id} pid ${process.pid}`;
  let group: GroupedBuild[] = [];
  const groupDeps = { ...backfillDeps, audits, total: builds.length, maxBuildMinutes: deps.maxBuildMinutes, holder };
  const flush = async () => {
    const done = group;
    group = [];
    await buildGroup(done, groupDeps);
  };
  for (const [i, id] of builds.entries()) {
    const snapshot = plan.snapshots[id];
    const work = plan.backfill?.[id];
    const builtBefore = recorded.has(builtKey(snapshot.name, snapshot.version));
    if (grouping && groupable(work, builtBefore, snapshot)) {
      group.push({ snapshot, index: i, work });
      if (group.length >= GROUP_SIZE) await flush();
      continue;
    }
    await flush();
    reporter.buildStarted?.(snapshot, i, builds.length);
    const started = Date.now();
    if (work) {
      // Another environment may be filling the same version right now: take turns on the
      // table, and read what is recorded only once it is ours, so no interval is written twice.
      await withBuildTimeLimit(snapshot, engine, deps.maxBuildMinutes, () =>
        withTableTurn(snapshot, deps, holder, builtBefore, (built) => backfillSnapshot(snapshot, work, backfillDeps, built)),
      );
      reporter.buildFinished?.(snapshot, i, builds.length, Date.now() - started);
      continue;
    }
    const build = async () => {
      await withBuildTimeLimit(snapshot, engine, deps.maxBuildMinutes, () => buildSnapshot(snapshot, parentOf, { engine, projectDir: deps.projectDir }, now()));
      await crashPoint('after-build');
      // Audits pass before the table is recorded: a failed one is rebuilt and re-audited next time.
      await auditBuiltSnapshot(snapshot, audits, fullRefreshTimes(snapshot, now()));
      await state.recordBuilt({ name: snapshot.name, version: snapshot.version, ...snapshot.physical, builtAt: clock().getTime() });
    };
    // Where state shares the engine's transactions, the object, its audits and its record
    // commit together: a failed audit leaves nothing behind.
    if (backfillDeps.atomic) await engine.transaction(build);
    else await build();
    await crashPoint('after-record-built');
    reporter.buildFinished?.(snapshot, i, builds.length, Date.now() - started);
  }
  await flush();
  await migrations.applyDeferred(now());

  const before = await state.getEnvironment(plan.environment);
  const promote = async () => {
    // Views being dropped are where the environment's views are now: in the previous layout if it moves.
    const dropped = plan.viewChanges.drop.map((name) => modelViewName(name, plan.environment, plan.previousLayout ?? plan.layout));
    await engine.lockViews?.([...plan.viewChanges.upsert.map((n) => viewOf(plan, n)), ...dropped]);
    const envSchemas = new Set(plan.viewChanges.upsert.map((n) => viewOf(plan, n).schema));
    for (const schema of envSchemas) await engine.createSchema(schema);
    for (const name of plan.viewChanges.upsert) {
      const target = plan.snapshots[plan.target[name]];
      const masks = plan.masks?.[name];
      if (masks) await engine.replaceView(viewOf(plan, name), await maskedViewQuery(engine, name, target.physical, masksOver(target, masks), plan.lineage?.[name]?.columns));
      else await engine.ops.pointView(viewOf(plan, name), target.physical);
      await crashPoint('mid-promotion');
    }
    for (const view of dropped) await engine.dropView(view);
    // A view made again has lost its grants: the readers keep theirs in the same transaction.
    if (deps.readRoles?.length && engine.dialect === 'postgres') await grantViews(engine, deps.readRoles, plan.viewChanges.upsert.map((n) => viewOf(plan, n)));
    await runVirtualUpdates(plan, engine, before?.snapshots ?? {}, now());
    // A move out of a layout with schemas of the environment's own leaves them empty: they go too.
    if (plan.previousLayout && plan.previousLayout !== 'table-suffix') {
      for (const schema of new Set(dropped.map((v) => v.schema))) await engine.dropSchemaIfEmpty(schema);
    }
  };
  const record = async () => {
    const at = clock().getTime();
    const current = await state.getEnvironment(plan.environment);
    await state.setEnvironment(
      {
        name: plan.environment,
        snapshots: plan.target,
        views: plan.views,
        layout: plan.layout,
        ...(plan.masks ? { masks: plan.masks } : {}),
        // A new environment (also one recreated over an expired record) starts afresh.
        createdFrom: plan.isNewEnvironment ? plan.base : current?.createdFrom ?? null,
        planId: plan.id,
        previousPlanId: current?.planId ?? null,
        createdAt: plan.isNewEnvironment ? at : current?.createdAt ?? at,
        updatedAt: at,
        expiresAt,
      },
      plan.expectedPlanId,
    );
    await state.recordPlan({ id: plan.id, environment: plan.environment, appliedAt: at, summary: planSummary(plan, current?.snapshots) });
  };
  if (deps.stateSharesConnection && engine.capabilities.transactionalDdl) {
    await engine.transaction(async () => {
      await promote();
      await record();
      await crashPoint('before-commit');
    });
  } else {
    await engine.transaction(promote);
    await crashPoint('before-commit');
    await record();
  }
  await crashPoint('after-commit');
  reporter.promoted?.(plan.environment, plan.viewChanges.upsert.length, plan.viewChanges.drop.length);
  return { built: builds, viewsChanged: plan.viewChanges.upsert.length, viewsDropped: plan.viewChanges.drop.length };
}

/** Throws when the environment moved since the plan was made; true when this very plan is what it holds (applied already). */
/**
 * A snapshot id names one fingerprint; its version depends on what it was planned
 * against. If another plan stored the same id with another version meanwhile, state and
 * this plan's views would disagree: refuse, so the plan is made again from what is stored.
 */
async function assertSameVersions(fresh: Snapshot[], state: StateStore): Promise<void> {
  const stored = await state.getSnapshots(fresh.map((s) => s.id));
  const clash = fresh.find((s) => stored.get(s.id) && stored.get(s.id)!.version !== s.version);
  if (clash) {
    throw new ConflictError(
      `${clash.name} was planned as version ${clash.version}, but another plan has since recorded the same definition as version ${stored.get(clash.id)!.version}; plan is stale, plan again`,
      { code: 'stale_plan' },
    );
  }
}

async function assertNotStale(plan: Plan, state: StateStore): Promise<boolean> {
  const current = await state.getEnvironment(plan.environment);
  if (current && current.planId === plan.id) return true;
  if ((current?.planId ?? null) !== plan.expectedPlanId) {
    throw new ConflictError(
      `environment '${plan.environment}' changed since this plan was made (now at plan ${current?.planId ?? 'none'}); plan is stale, plan again`,
      { code: 'stale_plan' },
    );
  }
  return false;
}

function viewOf(plan: Plan, name: string) {
  const s = plan.snapshots[plan.target[name]];
  return viewName(s.model.schema, s.model.table, plan.environment, plan.layout);
}

/**
 * What a plan record keeps. `replaced` (model -> the snapshot id the environment held
 * before) is the environment's history: which definitions it moved away from, and when,
 * for "behind prod" and the revert guard.
 */
export function planSummary(plan: Plan, before: Record<string, string> = {}): Record<string, unknown> {
  const replaced = Object.fromEntries(Object.entries(before).filter(([name, id]) => plan.target[name] !== id));
  return {
    replaced,
    added: plan.added,
    removed: plan.removed,
    directlyModified: plan.directlyModified.map(({ name, category }) => ({ name, category })),
    indirectlyModified: plan.indirectlyModified.map(({ name, category }) => ({ name, category })),
    built: plan.builds.map((id) => plan.snapshots[id].name),
  };
}
