import type { TestRow } from './load-tests.js';

/** How expected and actual rows differ; empty lists mean they match. */
export interface RowDiff {
  columns: string[];
  /** Columns used to pair differing rows (the model's grain), if any. */
  key: string[];
  /** Rows paired by key whose other columns differ. */
  changed: { key: TestRow; expected: TestRow; actual: TestRow; columns: string[] }[];
  /** Expected rows the query did not return. */
  missing: TestRow[];
  /** Returned rows nobody expected. */
  unexpected: TestRow[];
  matched: number;
}

/**
 * Compares rows as multisets (order does not matter) over `columns`. Values compare
 * by meaning, not type: 25 equals 25.00 and a DATE equals '2024-01-01'. Leftover rows
 * are paired by `key` columns when given, so a changed value shows as one changed cell.
 */
export function compareRows(expected: TestRow[], actual: TestRow[], columns: string[], key: string[]): RowDiff {
  const pick = (row: TestRow) => Object.fromEntries(columns.map((c) => [c, normalize(row[c])]));
  const exp = expected.map(pick);
  const act = actual.map(pick);
  const remaining = new Map<string, TestRow[]>();
  for (const row of act) {
    const k = signature(row, columns);
    remaining.set(k, [...(remaining.get(k) ?? []), row]);
  }
  const missing: TestRow[] = [];
  let matched = 0;
  for (const row of exp) {
    const k = signature(row, columns);
    const bucket = remaining.get(k);
    if (bucket?.length) {
      bucket.pop();
      matched++;
    } else missing.push(row);
  }
  let unexpected = [...remaining.values()].flat();
  const changed: RowDiff['changed'] = [];
  const keyCols = key.length && key.every((k) => columns.includes(k)) ? key : [];
  if (keyCols.length) {
    const leftover: TestRow[] = [];
    for (const row of missing) {
      const k = signature(row, keyCols);
      const i = unexpected.findIndex((a) => signature(a, keyCols) === k);
      if (i < 0) {
        leftover.push(row);
        continue;
      }
      const other = unexpected[i];
      unexpected = [...unexpected.slice(0, i), ...unexpected.slice(i + 1)];
      changed.push({
        key: Object.fromEntries(keyCols.map((c) => [c, row[c]])),
        expected: row,
        actual: other,
        columns: columns.filter((c) => !keyCols.includes(c) && !sameValue(row[c], other[c])),
      });
    }
    missing.splice(0, missing.length, ...leftover);
  }
  return { columns, key: keyCols, changed, missing, unexpected, matched };
}

/** True when nothing differs. */
export function isSame(diff: RowDiff): boolean {
  return !diff.changed.length && !diff.missing.length && !diff.unexpected.length;
}

/**
 * A value in a comparable form: numbers to 12 significant digits (decimals come back
 * as doubles), dates as 'YYYY-MM-DD', timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]' in UTC
 * (DuckDB returns them to milliseconds), numeric strings as numbers.
 */
export function normalize(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? Number(v.toPrecision(12)) : String(v);
  if (v instanceof Date) return timestamp(v.toISOString().slice(0, 10), v.toISOString().slice(11, 19), v.toISOString().slice(19, 23));
  if (typeof v === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(v.trim())) return normalize(Number(v));
    const ts = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(v);
    if (!ts) return v;
    // A time zone offset (a TIMESTAMPTZ as text): the same instant in UTC, as the engine returns it.
    if (ts[4]) {
      const at = new Date(`${ts[1]}T${ts[2]}${(ts[3] ?? '').slice(0, 4)}${ts[4] === 'Z' ? 'Z' : ts[4].length === 3 ? `${ts[4]}:00` : ts[4].replace(/(\d{2})(\d{2})$/, '$1:$2')}`);
      if (!Number.isNaN(at.getTime())) return normalize(at);
    }
    return timestamp(ts[1], ts[2], ts[3] ?? '');
  }
  if (typeof v === 'object') {
    const s = String(v);
    return s === '[object Object]' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : normalize(s);
  }
  return v;
}

/** 'YYYY-MM-DD' at midnight, else 'YYYY-MM-DD HH:MM:SS' with the fraction to milliseconds, trailing zeros dropped. */
function timestamp(day: string, time: string, fraction: string): string {
  const ms = fraction.slice(0, 4).replace(/\.?0*$/, '');
  return time === '00:00:00' && !ms ? day : `${day} ${time}${ms}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function signature(row: TestRow, columns: string[]): string {
  return JSON.stringify(columns.map((c) => row[c]));
}
