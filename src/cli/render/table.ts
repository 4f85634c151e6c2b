import chalk from 'chalk';
import type { QueryResult } from '../../engine/engine-adapter.js';

/** A query result as an aligned text table, as `fetchdf` prints it. */
export function renderTable(result: QueryResult, maxRows = 1000): string {
  const names = result.columns.map((c) => c.name);
  const rows = result.rows.slice(0, maxRows).map((r) => names.map((n) => formatValue(r[n])));
  const widths = names.map((n, i) => Math.min(60, Math.max(n.length, ...rows.map((r) => r[i].length))));
  const fmt = (cells: string[]) => cells.map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [chalk.bold(fmt(names)), chalk.gray(widths.map((w) => '─'.repeat(w)).join('  ')), ...rows.map(fmt)];
  const more = result.rows.length - rows.length;
  out.push(chalk.gray(`${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'}${more > 0 ? ` (${more} not shown)` : ''}`));
  return out.join('\n');
}

/** A value as text; dates as ISO days, big numbers exactly. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return v.toISOString().replace(/T00:00:00\.000Z$/, '').replace('T', ' ').replace(/\.000Z$/, '');
  if (typeof v === 'object') return jsonValue(v) as string;
  return String(v);
}

/** A value JSON can carry: bigints and decimals as numbers when exact, else as strings. */
export function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return formatValue(v);
  if (v !== null && typeof v === 'object') {
    const s = String(v);
    if (s !== '[object Object]') return /^-?\d+(\.\d+)?$/.test(s) && Number(s).toString() === s ? Number(s) : s;
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  }
  return v;
}
