import { boundaryBefore, ceilToUnit, floorToUnit, lastCompleteEnd, nextBoundary, type CronSchedule } from './cron.js';
import { mergeIntervals, subtractIntervals, type Interval } from './interval.js';

export interface MissingInput {
  schedule: CronSchedule;
  /** The model's `start`; without one, a model starts at its last complete interval. */
  start?: number;
  now: number;
  /** Intervals already computed for the version. */
  known: readonly Interval[];
  /** Only consider this range (a dev backfill's --start/--end, a preview, a restatement). */
  limit?: { start?: number; end?: number };
  /** `planner run`: only what became due after the last computed interval, not older gaps. */
  onlyAfterKnown?: boolean;
  /** With `onlyAfterKnown`: gaps from here on count too (a range an auto-restatement forgot). */
  reopenFrom?: number;
  /** Intervals before each missing range to compute again, for data that arrives late. */
  lookback?: number;
}

/**
 * The cron intervals a version still needs, as merged ranges aligned to the cron's unit:
 * from the model's start to the end of the last complete interval, minus what is known,
 * within `limit`, each range extended back by `lookback` intervals. Pure.
 * @example missingIntervals({ schedule: parseCron('@daily'), start, now, known: [] })
 */
export function missingIntervals(input: MissingInput): Interval[] {
  const { schedule: s, known } = input;
  const end = lastCompleteEnd(s, input.now);
  const modelStart = input.start !== undefined ? floorToUnit(s, input.start) : boundaryBefore(s, end, 1);
  let lo = input.limit?.start !== undefined ? Math.max(modelStart, floorToUnit(s, input.limit.start)) : modelStart;
  const hi = input.limit?.end !== undefined ? Math.min(end, ceilToUnit(s, input.limit.end)) : end;
  if (input.onlyAfterKnown && known.length) lo = Math.max(lo, Math.min(Math.max(...known.map((k) => k.end)), input.reopenFrom ?? Infinity));
  if (hi <= lo) return [];
  const gaps = subtractIntervals([{ start: lo, end: hi }], known).map((g) => ({
    start: Math.max(lo, floorToUnit(s, g.start)),
    end: Math.min(hi, ceilToUnit(s, g.end)),
  }));
  if (!input.lookback || !gaps.length) return mergeIntervals(gaps);
  // An explicit range is exact; a run may reach back into what it computed before.
  const floor = input.onlyAfterKnown || input.limit?.start === undefined ? modelStart : lo;
  return mergeIntervals(gaps.map((g) => ({ start: Math.max(floor, boundaryBefore(s, g.start, input.lookback!)), end: g.end })));
}

/**
 * Splits aligned ranges into batches of at most `batchSize` intervals each; without a
 * batch size, each range is one batch.
 */
export function batchIntervals(s: CronSchedule, ranges: readonly Interval[], batchSize?: number): Interval[] {
  if (!batchSize) return ranges.map((r) => ({ ...r }));
  const out: Interval[] = [];
  for (const r of ranges) {
    let start = r.start;
    while (start < r.end) {
      let end = start;
      for (let i = 0; i < batchSize && end < r.end; i++) end = nextBoundary(s, end);
      end = Math.min(end, r.end);
      out.push({ start, end });
      start = end;
    }
  }
  return out;
}

/** How many cron intervals aligned ranges hold. */
export function countIntervals(s: CronSchedule, ranges: readonly Interval[]): number {
  let n = 0;
  for (const r of ranges) for (let t = r.start; t < r.end; t = nextBoundary(s, t)) n++;
  return n;
}
