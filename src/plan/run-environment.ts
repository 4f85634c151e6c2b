import { mergeIntervals, type Interval } from '../intervals/interval.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { builtKey, type EnvironmentRecord, type SnapshotHead } from '../state/state-store.js';
import { reachable, topologicalOrder } from '../util/dag.js';
import { withBuildTimeLimit } from '../governance/policies.js';
import { graphOf, isSelective, selectModels, snapshotNode, type ModelSelection } from '../model/selectors.js';
import { tracksIntervals } from '../kinds/registry.js';
import { snapshotBackfill } from './backfill-planner.js';
import { backfillSnapshot, withTableTurn, type BackfillDeps } from './backfill-runner.js';
import type { SnapshotBackfill } from './plan.js';
import { planAutoRestatement, type AutoRestatement } from './auto-restatement.js';
import { PROD } from '../snapshot/virtual-names.js';
import { blockingHolders, versionsHeldElsewhere } from './versions-elsewhere.js';

/** What `planner run` computed for one model. */
export interface RunModelResult {
  model: string;
  snapshotId: string;
  intervals: Interval[];
  batches: number;
  rows?: number;
}

/** What `planner run` did in one environment; `models` is empty when nothing was due. */
export interface RunResult {
  environment: string;
  models: RunModelResult[];
  /** Intervals forgotten and computed again because an `auto_restatement_cron` was due (prod only). */
  autoRestated?: { model: string; intervals: Interval[] }[];
}

/**
 * `planner run`: for every model of the environment that tracks intervals, in DAG order,
 * computes the intervals that became due after its last computed one. Outside prod, a
 * table that prod, a protected environment, or another snapshot of the same version uses
 * is never written (see blockingHolders). With a selection, only the selected models run.
 * What is due is decided from the snapshots' heads; only the models that run, and the
 * models above them (their queries render through their parents'), are loaded whole, in
 * one batch: a run with nothing due reads no model definition.
 */
export async function runEnvironment(
  env: EnvironmentRecord,
  deps: Omit<BackfillDeps, 'parentOf'> & {
    isProtected: (environment: string) => boolean;
    /** `policies.maxBuildMinutes` of the environment: each model's run is held to it, as an apply's builds are. */
    maxBuildMinutes?: number;
  },
  selection: ModelSelection = {},
): Promise<RunResult> {
  const { state } = deps;
  const { heads, byName, built, auto, due } = await dueWork(env, deps, selection);
  const result: RunResult = { environment: env.name, models: [] };
  const whole = await wholeSnapshots(state, due.map((d) => d.head.name), byName);
  const parentOf = (name: string) => whole.get(name);
  for (const [i, { head, work }] of due.entries()) {
    const snapshot = whole.get(head.name)!;
    deps.reporter.buildStarted?.(snapshot, i, due.length);
    const started = Date.now();
    const builtBefore = built.has(builtKey(snapshot.name, snapshot.version));
    const outcome = await withBuildTimeLimit(snapshot, deps.engine, deps.maxBuildMinutes, () =>
      withTableTurn(snapshot, deps, `planner run ${env.name} pid ${process.pid}`, builtBefore, (isBuilt) => backfillSnapshot(snapshot, work, { ...deps, parentOf }, isBuilt)),
    );
    deps.reporter.buildFinished?.(snapshot, i, due.length, Date.now() - started);
    if (outcome.batches) result.models.push({ model: snapshot.name, snapshotId: snapshot.id, intervals: mergeIntervals(outcome.intervals), batches: outcome.batches, rows: outcome.rows });
  }
  if (auto?.next.length) {
    await state.setAutoRestatements(auto.next.map(({ snapshot, nextMs }) => ({ name: snapshot.name, version: snapshot.version, nextMs })));
    result.autoRestated = [...auto.forget.entries()].map(([id, restated]) => ({ model: heads.get(id)!.name, intervals: restated }));
  }
  return result;
}

/** What a run of an environment has to do: the models due, in order, with their batches, and any auto-restatement. */
export interface DueWork {
  heads: Map<string, SnapshotHead>;
  byName: Map<string, SnapshotHead>;
  built: Map<string, unknown>;
  auto?: AutoRestatement;
  due: { head: SnapshotHead; work: SnapshotBackfill }[];
}

/** A run that would compute nothing and record nothing. */
export const nothingDue = (work: DueWork) => !work.due.length && !work.auto?.next.length && !work.auto?.forget.size;

/**
 * Decides what `runEnvironment` computes, from state's heads, intervals and built tables;
 * reads only, but for a due auto-restatement, whose intervals it forgets first.
 */
export async function dueWork(env: EnvironmentRecord, deps: Pick<BackfillDeps, 'state' | 'engine' | 'atomic' | 'now'> & { isProtected: (environment: string) => boolean }, selection: ModelSelection = {}): Promise<DueWork> {
  const { state } = deps;
  const heads = await state.getSnapshotHeads(Object.values(env.snapshots));
  const byName = new Map<string, SnapshotHead>([...heads.values()].map((s) => [s.name, s]));
  const sorted = topologicalOrder([...byName.keys()].sort(), (n) => Object.keys(byName.get(n)!.parents));
  let order = 'order' in sorted ? sorted.order : [...byName.keys()].sort();
  if (isSelective(selection)) {
    const picked = selectModels(graphOf([...byName.values()].map(snapshotNode)), selection.select, selection.exclude);
    order = order.filter((n) => picked.has(n));
  }

  const heldElsewhere = await versionsHeldElsewhere(state, env.name, deps.now().getTime(), deps.isProtected);
  const runnable = order.map((n) => byName.get(n)!).filter((s) => tracksIntervals(s.model.kind) && !blockingHolders(heldElsewhere, s).length);
  const keys = runnable.map((s) => builtKey(s.name, s.version));
  let [intervals, built] = [await state.getIntervals(keys), await state.getBuiltTables(keys)];

  const now = deps.now().getTime();
  // SQLMesh auto-restates in prod only. The next due time is recorded only after the
  // restated intervals are computed again: a run killed in between restates once more.
  const auto = env.name === PROD ? await autoRestate(runnable, order.map((n) => byName.get(n)!), { ...deps, now, built }) : undefined;
  if (auto?.forget.size) intervals = await state.getIntervals(keys);
  const due: { head: SnapshotHead; work: SnapshotBackfill }[] = [];
  for (const s of runnable) {
    const key = builtKey(s.name, s.version);
    let work = snapshotBackfill(s, { now, known: built.has(key) ? intervals.get(key) ?? [] : [], onlyAfterKnown: true, reopenFrom: auto?.reopenFrom.get(s.id) });
    // Intervals of a version without a table are stale: forgotten before it is built again.
    if (!built.has(key) && intervals.get(key)?.length) work = { ...work, restate: intervals.get(key)! };
    if (work.batches.length) due.push({ head: s, work });
  }
  return { heads, byName, built, auto, due };
}

/**
 * Forgets the intervals due auto-restatements recompute (in one transaction where state
 * shares the engine's), so this run computes them again. Only built versions this run
 * may write lose intervals; `order` is every model of the environment, views included,
 * through which a restated range reaches the models below them.
 */
async function autoRestate(runnable: readonly SnapshotHead[], order: readonly SnapshotHead[], deps: Pick<BackfillDeps, 'state' | 'engine' | 'atomic'> & { now: number; built: ReadonlyMap<string, unknown> }): Promise<AutoRestatement> {
  const { state } = deps;
  const writable = new Set(runnable.filter((s) => deps.built.has(builtKey(s.name, s.version))).map((s) => s.id));
  const cronKeys = order.filter((s) => (s.model.kind as { autoRestatementCron?: string }).autoRestatementCron).map((s) => builtKey(s.name, s.version));
  if (!cronKeys.length) return { forget: new Map(), reopenFrom: new Map(), next: [] };
  const keys = [...writable].map((id) => runnable.find((s) => s.id === id)!).map((s) => builtKey(s.name, s.version));
  const plan = planAutoRestatement(order, { now: deps.now, intervals: await state.getIntervals(keys), nextDue: await state.getAutoRestatements(cronKeys) });
  for (const id of [...plan.forget.keys()]) if (!writable.has(id)) (plan.forget.delete(id), plan.reopenFrom.delete(id));
  const forget = async () => {
    for (const [id, restated] of plan.forget) {
      const s = runnable.find((x) => x.id === id)!;
      await state.removeIntervals(s.name, s.version, restated);
    }
  };
  if (deps.atomic) await deps.engine.transaction(forget);
  else await forget();
  return plan;
}

/**
 * The whole snapshots of the models that run and of every model above them in the
 * environment (a query renders through its parents', an inline parent's whole), by name,
 * in one batch; none when nothing runs.
 */
async function wholeSnapshots(state: BackfillDeps['state'], running: readonly string[], byName: ReadonlyMap<string, SnapshotHead>): Promise<Map<string, Snapshot>> {
  if (!running.length) return new Map();
  const parents = (n: string) => Object.keys(byName.get(n)?.parents ?? {}).filter((p) => byName.has(p));
  const names = new Set([...running, ...reachable(running, parents)]);
  const loaded = await state.getSnapshots([...names].map((n) => byName.get(n)!.id));
  return new Map([...loaded.values()].map((s) => [s.name, s]));
}
