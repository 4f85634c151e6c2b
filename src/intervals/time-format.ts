/** The strftime directives a `time_column` format may use: enough for dates and date-times written as text or numbers. */
const DIRECTIVES: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getUTCFullYear()).padStart(4, '0'),
  m: (d) => String(d.getUTCMonth() + 1).padStart(2, '0'),
  d: (d) => String(d.getUTCDate()).padStart(2, '0'),
  H: (d) => String(d.getUTCHours()).padStart(2, '0'),
  M: (d) => String(d.getUTCMinutes()).padStart(2, '0'),
  S: (d) => String(d.getUTCSeconds()).padStart(2, '0'),
  '%': () => '%',
};

/** The first directive of `format` this module cannot write, if any (`%b`, `%j`, ...). */
export function unsupportedDirective(format: string): string | undefined {
  for (const m of format.matchAll(/%(.?)/g)) if (!(m[1] in DIRECTIVES)) return `%${m[1]}`;
  return undefined;
}

/**
 * A time (epoch ms, UTC) written in a strftime `format`, as a `time_column` stores it.
 * Formats whose text sorts like time (largest unit first, fixed widths) compare correctly
 * as text; `'%Y%m%d'` also compares with an integer column.
 * @example formatTime(Date.UTC(2024, 0, 5), '%Y%m%d') // '20240105'
 */
export function formatTime(ms: number, format: string): string {
  const d = new Date(ms);
  return format.replace(/%(.?)/g, (_m, c: string) => DIRECTIVES[c](d));
}
