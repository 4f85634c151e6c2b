/** A moment as `2025-06-01 14:05 UTC`: minutes are what a person compares. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 7 days`, `3 hours ago`, `just now`: the largest unit that fits, rounded. */
export function relativeTime(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < 60_000) return 'just now';
  const units: [string, number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]];
  const [unit, size] = units.find(([, size]) => abs >= size)!;
  const n = Math.round(abs / size);
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

/** Both: `2025-06-01 14:05 UTC (in 6 days)`. */
export function formatWhen(ms: number, now: number): string {
  return `${formatTime(ms)} (${relativeTime(ms, now)})`;
}

/** A stored epoch-milliseconds time as ISO-8601 in UTC, the form every --json output uses. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
