import { unknownModelHint } from '../model/complete-models.js';
import { InputError, type SourceLocation } from '../errors.js';
import { boundaryBefore, lastCompleteEnd, parseCron, type CronSchedule } from '../intervals/cron.js';
import { clipIntervals, subtractIntervals, type Interval } from '../intervals/interval.js';
import { missingIntervals } from '../intervals/missing.js';
import { kindStrategy, restatableKinds } from '../kinds/registry.js';
import type { Snapshot, SnapshotModel } from '../snapshot/snapshot.js';
import { PROD } from '../snapshot/virtual-names.js';
import { builtKey, type SnapshotHead } from '../state/state-store.js';
import { reachable } from '../util/dag.js';
import { lineColumn } from '../util/text-position.js';
import type { Plan, SnapshotBackfill } from './plan.js';
import { isPreview } from './preview.js';
import { blockingHolders, type HeldElsewhere } from './versions-elsewhere.js';

/** How many of its latest intervals a dev preview of a forward-only change computes by default. */
export const PREVIEW_INTERVALS = 1;


/**
 * A model's file, and its text where it is at hand (a head keeps no `source`): where an
 * error about one of its header properties points.
 */
type Located = Pick<SnapshotModel, 'file'> & Partial<Pick<SnapshotModel, 'source'>>;

/**
 * Crons and starts already read, by their text: a plan checks every model's, a project
 * writes a few distinct ones, and finding a header line for the error (a regex over the
 * file) cost a no-op plan milliseconds at 10,000 models. Only good values are kept.
 */
const schedules = new Map<string, CronSchedule>();
const starts = new Map<string, number>();

/** The model's cron as a schedule; a bad cron is an InputError at the model file's `cron` line. */
export function scheduleOf(model: Pick<SnapshotModel, 'cron'> & Located): CronSchedule {
  let schedule = schedules.get(model.cron);
  if (schedule) return schedule;
  try {
    schedule = Object.freeze(parseCron(model.cron));
  } catch {
    return parseCron(model.cron, headerLocation(model, 'cron'));
  }
  schedules.set(model.cron, schedule);
  return schedule;
}

/** The model's `start` as epoch ms, or undefined when it has none. */
export function startOf(model: Pick<SnapshotModel, 'start'> & Located): number | undefined {
  if (model.start === undefined) return undefined;
  const known = starts.get(model.start);
  if (known !== undefined) return known;
  const text = model.start.trim();
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms)) {
    throw new InputError(`start '${model.start}' is not a date`, { code: 'invalid_start', location: headerLocation(model, 'start'), hint: "write start '2024-01-01'" });
  }
  starts.set(model.start, ms);
  return ms;
}

export interface SnapshotBackfillInput {
  now: number;
  /** Intervals the version has computed. */
  known: readonly Interval[];
  /** Only compute within this range. */
  limit?: { start?: number; end?: number };
  /** Only the latest `recent` intervals (a dev preview). */
  recent?: number;
  /** Only what became due after the last computed interval (`planner run`). */
  onlyAfterKnown?: boolean;
  /** With `onlyAfterKnown`: gaps from here on are computed too (what an auto-restatement forgot). */
  reopenFrom?: number;
  /** Recompute the computed intervals in this range in place. */
  restate?: { start?: number; end?: number };
}

/** The batches one snapshot needs, from its cron, start, kind and what it has computed (all in its head). Pure. */
export function snapshotBackfill(s: SnapshotHead, input: SnapshotBackfillInput): SnapshotBackfill {
  const model = s.model;
  const schedule = scheduleOf(model);
  const start = startOf(model);
  const kind = model.kind;
  const intervals = kindStrategy(kind).intervals;
  if (!intervals) throw new Error(`${kind.name} models have no intervals to compute`);
  let limit = input.limit;
  if (input.recent) limit = { ...limit, start: Math.max(limit?.start ?? -Infinity, boundaryBefore(schedule, lastCompleteEnd(schedule, input.now), input.recent)) };
  let restate: Interval[] = [];
  let known = input.known;
  if (input.restate) {
    // Aligned to the model's own intervals, within what it could ever have computed.
    const aligned = missingIntervals({ schedule, start, now: input.now, known: [], limit: input.restate });
    restate = aligned.length ? clipIntervals(known, { start: aligned[0].start, end: aligned[aligned.length - 1].end }) : [];
    known = subtractIntervals(known, restate);
  }
  const lookback = intervals.lookback(kind);
  const missing = missingIntervals({ schedule, start, now: input.now, known, limit, onlyAfterKnown: input.onlyAfterKnown, reopenFrom: input.reopenFrom, lookback });
  if (!missing.length) return { restate, batches: [] };
  return { restate, batches: intervals.batches(kind, missing, { schedule, start }) };
}

export interface BackfillInput {
  /** Model names in DAG order. */
  order: readonly string[];
  /** `name@version` keys with a built table (the environment's own, and those state knows). */
  built: Pick<ReadonlySet<string>, 'has'>;
  /** Every `held` snapshot's table is in `built` (as planning makes it): they are not looked up. */
  heldBuilt?: boolean;
  /** Computed intervals by `name@version`, for the snapshots the plan may compute or restate. */
  intervals: ReadonlyMap<string, Interval[]>;
  /** Snapshot ids the environment (or the one it starts from) already holds: `planner run` keeps those up to date. */
  held: ReadonlySet<string>;
  /** Outside prod: prod's version of each model, whose table a dev plan never writes. */
  /** `name@version` of the tables other live environments use, with their names (empty in prod). */
  heldElsewhere: HeldElsewhere;
  now: number;
  /** `--start/--end`: limits a backfill outside prod. */
  range?: { start?: number; end?: number };
  /** `--restate-model M.. --start --end`. */
  restate?: { models: readonly string[]; start?: number; end?: number };
}

/**
 * Decides what a plan builds and computes: tables of versions not built yet, the missing
 * intervals of the versions new to the environment (outside prod: never prod's versions,
 * within `--start/--end`, which also extend the versions it holds; a preview only its
 * latest intervals), and restated intervals of the named models and their downstream
 * models. Pure.
 */
export function withBackfill(plan: Plan, input: BackfillInput): Plan {
  const isProd = plan.environment === PROD;
  if (isProd && input.range && !input.restate) {
    throw new InputError('--start/--end limit a backfill outside prod; prod computes every interval', {
      code: 'invalid_range',
      hint: 'plan a dev environment with --start/--end, or restate prod intervals with --restate-model M --start --end',
    });
  }
  const snapshotOf = (name: string) => plan.snapshots[plan.target[name]];
  // Outside prod, a table another environment's views read is never written.
  const ownsTable = (s: Snapshot) => isProd || !blockingHolders(input.heldElsewhere, s).length;
  const restated = restatedSnapshots(plan, input, ownsTable);

  const builds: string[] = [];
  const backfill: Record<string, SnapshotBackfill> = {};
  const seen = new Set<string>();
  // Once per model of every plan: one strategy lookup, and what only a computing or
  // restated version needs (its known intervals, ownership) read only for those.
  for (const name of input.order) {
    const s = snapshotOf(name);
    if (!s) continue;
    const strategy = kindStrategy(s.model.kind);
    if (!strategy.physical) continue;
    const key = builtKey(s.name, s.version);
    if (seen.has(key)) continue;
    seen.add(key);
    const held = input.held.has(s.id);
    const built = (held && input.heldBuilt === true) || input.built.has(key);
    if (!strategy.intervals) {
      if (!built) builds.push(s.id);
      continue;
    }
    // Outside prod, an explicit range also fills the environment's own versions it already holds.
    const computes = (!held || (!isProd && input.range !== undefined && !input.restate)) && ownsTable(s);
    const restate = restated.size && restated.has(s.id) ? { start: input.restate!.start, end: input.restate!.end } : undefined;
    let work: SnapshotBackfill | undefined;
    if (computes || restate) {
      const known = built ? input.intervals.get(key) ?? [] : [];
      if (computes) {
        const recent = isPreview(s) && input.range?.start === undefined ? PREVIEW_INTERVALS : undefined;
        work = snapshotBackfill(s, { now: input.now, known, limit: isProd ? undefined : input.range, recent, restate });
      } else {
        // A held version only recomputes the restated range; `planner run` catches up the rest.
        work = snapshotBackfill(s, { now: input.now, known, limit: restate, restate });
      }
    }
    if (built && !work?.batches.length && !work?.restate.length) continue;
    work ??= { restate: [], batches: [] };
    // Intervals of a version without a table are stale (the janitor dropped it): forgotten first.
    const stale = built ? undefined : input.intervals.get(key);
    if (stale?.length) work = { ...work, restate: stale };
    builds.push(s.id);
    backfill[s.id] = work;
  }
  return { ...plan, builds, backfill };
}

/** The restated models and their downstream models that track intervals, as snapshot ids. */
function restatedSnapshots(plan: Plan, input: BackfillInput, ownsTable: (s: Snapshot) => boolean): Set<string> {
  const out = new Set<string>();
  if (!input.restate) return out;
  const names = Object.keys(plan.target);
  for (const m of input.restate.models) {
    const s = plan.snapshots[plan.target[m]];
    if (!s) {
      throw new InputError(`--restate-model: no model '${m}' in environment ${plan.environment}`, {
        code: 'unknown_model',
        hint: unknownModelHint(m, names),
      });
    }
    if (!kindStrategy(s.model.kind).intervals?.restatable) {
      throw new InputError(`--restate-model: ${m} is a ${s.model.kind.name} model; only ${restatableKinds().join(', ')} models have intervals to restate`, { code: 'invalid_restatement' });
    }
    if (!ownsTable(s)) {
      const holders = blockingHolders(input.heldElsewhere, s).join(', ');
      throw new InputError(`--restate-model: ${m} in ${plan.environment} reads a table that ${holders} also use${holders.includes(',') ? '' : 's'}; it cannot be restated from here`, {
        code: 'invalid_restatement',
        hint: `restate it where it belongs (planner plan ${holders.split(',')[0]} --restate-model ${m}), or change it in ${plan.environment} first`,
      });
    }
  }
  const children = new Map<string, string[]>();
  for (const n of names) {
    for (const p of Object.keys(plan.snapshots[plan.target[n]].parents)) children.set(p, [...(children.get(p) ?? []), n]);
  }
  for (const n of [...input.restate.models, ...reachable(input.restate.models, (n) => children.get(n) ?? [])]) {
    const s = plan.snapshots[plan.target[n]];
    if (s && kindStrategy(s.model.kind).intervals?.restatable && ownsTable(s)) out.add(s.id);
  }
  return out;
}

/** Where a header property is written, for error messages: the file, and the line when found. */
function headerLocation(model: Located, property: string): SourceLocation {
  const { file, source } = model;
  const at = source === undefined ? undefined : new RegExp(`\\b${property}\\b`, 'i').exec(source)?.index;
  return at === undefined || source === undefined ? { file } : { file, ...lineColumn(source, at) };
}
