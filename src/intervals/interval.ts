/** A half-open time range [start, end) in epoch milliseconds (UTC). */
export interface Interval {
  start: number;
  end: number;
}

/**
 * Sorts and joins overlapping or touching ranges, so a version that was computed day by
 * day is stored as one row instead of one per day.
 * @example mergeIntervals([{ start: 0, end: 1 }, { start: 1, end: 2 }]) // [{ start: 0, end: 2 }]
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** The parts of `from` not covered by `remove`. */
export function subtractIntervals(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const cuts = mergeIntervals(remove);
  const out: Interval[] = [];
  for (const range of mergeIntervals(from)) {
    let cursor = range.start;
    for (const c of cuts) {
      if (c.end <= cursor || c.start >= range.end) continue;
      if (c.start > cursor) out.push({ start: cursor, end: c.start });
      cursor = Math.max(cursor, c.end);
      if (cursor >= range.end) break;
    }
    if (cursor < range.end) out.push({ start: cursor, end: range.end });
  }
  return out;
}

/** The parts of `intervals` inside `bounds`. */
export function clipIntervals(intervals: readonly Interval[], bounds: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of mergeIntervals(intervals)) {
    const start = Math.max(i.start, bounds.start);
    const end = Math.min(i.end, bounds.end);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** `start .. end` as dates (or date-times when not at midnight), end exclusive: for messages. */
export function formatInterval(i: Interval): string {
  return `[${formatInstant(i.start)}, ${formatInstant(i.end)})`;
}

export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.slice(0, 16).replace('T', ' ');
}
