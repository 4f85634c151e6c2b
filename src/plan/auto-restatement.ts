import { ceilToUnit, floorToUnit, nextFire, parseCron } from '../intervals/cron.js';
import { clipIntervals, type Interval } from '../intervals/interval.js';
import { kindStrategy } from '../kinds/registry.js';
import { builtKey, type SnapshotHead } from '../state/state-store.js';
import { scheduleOf } from './backfill-planner.js';

/** What one `planner run` in prod restates because an `auto_restatement_cron` is due. */
export interface AutoRestatement {
  /** Snapshot id -> the computed intervals it forgets and computes again (the due model's, and its downstream models'). */
  forget: Map<string, Interval[]>;
  /** Snapshot id -> where the forgotten range starts, so the run computes it though later intervals are known. */
  reopenFrom: Map<string, number>;
  /** The due models, with when they are next due: recorded once their restatement has been computed. */
  next: { snapshot: SnapshotHead; nextMs: number }[];
}

const autoCron = (s: SnapshotHead): string | undefined => (s.model.kind as { autoRestatementCron?: string }).autoRestatementCron;
const autoIntervals = (s: SnapshotHead): number | undefined => (s.model.kind as { autoRestatementIntervals?: number }).autoRestatementIntervals;

/**
 * SQLMesh's apply_auto_restatements, pure: in DAG order, a model whose auto-restatement
 * cron is due at `now` (its recorded next time, or the cron's first tick after the
 * snapshot was created) restates its last `auto_restatement_intervals` intervals ending at
 * `now` floored to its unit, or all it has computed without N; a downstream model restates
 * the union of its parents' ranges, widened to its own unit. Only kinds that can be
 * restated lose intervals; the range still passes through the others (views) to their children.
 */
export function planAutoRestatement(
  order: readonly SnapshotHead[],
  input: { now: number; intervals: ReadonlyMap<string, Interval[]>; nextDue: ReadonlyMap<string, number> },
): AutoRestatement {
  const out: AutoRestatement = { forget: new Map(), reopenFrom: new Map(), next: [] };
  const ranges = new Map<string, Interval>();
  for (const s of order) {
    const key = builtKey(s.name, s.version);
    const known = input.intervals.get(key) ?? [];
    const own: Interval[] = [];
    const cron = autoCron(s);
    if (cron) {
      const due = input.nextDue.get(key) ?? nextFire(parseCron(cron), s.createdAt);
      if (input.now >= due) {
        out.next.push({ snapshot: s, nextMs: nextFire(parseCron(cron), input.now) });
        const n = autoIntervals(s);
        if (known.length && n === undefined) own.push({ start: known[0].start, end: known[known.length - 1].end });
        else if (known.length) {
          const schedule = scheduleOf(s.model);
          let start = floorToUnit(schedule, input.now);
          const end = start;
          for (let i = 0; i < n!; i++) start = floorToUnit(schedule, start - 1);
          own.push({ start, end });
        }
      }
    }
    const inherited = Object.keys(s.parents).flatMap((p) => (ranges.has(p) ? [ranges.get(p)!] : []));
    const all = [...own, ...inherited];
    if (!all.length) continue;
    let range: Interval = { start: Math.min(...all.map((r) => r.start)), end: Math.max(...all.map((r) => r.end)) };
    const strategy = kindStrategy(s.model.kind).intervals;
    if (strategy) {
      const schedule = scheduleOf(s.model);
      range = { start: floorToUnit(schedule, range.start), end: ceilToUnit(schedule, range.end) };
    }
    ranges.set(s.name, range);
    if (!strategy?.restatable) continue;
    const forget = clipIntervals(known, range);
    if (!forget.length) continue;
    out.forget.set(s.id, forget);
    out.reopenFrom.set(s.id, forget[0].start);
  }
  return out;
}
