import { quotedEnd } from '../util/sql-text.js';

/** What each current-time expression becomes: its type, and whether it is a call (`now()`) rather than a keyword. */
const CURRENT: Record<string, { type: 'DATE' | 'TIMESTAMP' | 'TIME'; call: boolean }> = {
  CURRENT_DATE: { type: 'DATE', call: false },
  CURRENT_TIMESTAMP: { type: 'TIMESTAMP', call: false },
  LOCALTIMESTAMP: { type: 'TIMESTAMP', call: false },
  CURRENT_TIME: { type: 'TIME', call: false },
  LOCALTIME: { type: 'TIME', call: false },
  NOW: { type: 'TIMESTAMP', call: true },
  GET_CURRENT_TIMESTAMP: { type: 'TIMESTAMP', call: true },
  TRANSACTION_TIMESTAMP: { type: 'TIMESTAMP', call: true },
  STATEMENT_TIMESTAMP: { type: 'TIMESTAMP', call: true },
  GET_CURRENT_TIME: { type: 'TIME', call: true },
  TODAY: { type: 'DATE', call: true },
};

/**
 * SQLMesh's frozen time: with `execution_time` in a test's vars, CURRENT_DATE,
 * CURRENT_TIMESTAMP, CURRENT_TIME and the functions that mean them (now(), ...) become
 * that time, cast as SQLMesh casts them (a timestamp without time zone, in UTC). Words
 * inside quotes, comments and qualified names (`t.now`) are left alone.
 */
export function freezeTime(sql: string, at: Date): string {
  const iso = at.toISOString();
  const value = { DATE: iso.slice(0, 10), TIMESTAMP: `${iso.slice(0, 10)} ${iso.slice(11, 23)}`, TIME: iso.slice(11, 23) };
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    let next = i + 1;
    if (ch === "'" || ch === '"') next = quotedEnd(sql, i) ?? sql.length;
    else if (sql.startsWith('--', i)) next = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (sql.startsWith('/*', i)) next = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 2;
    else if (/[A-Za-z_]/.test(ch)) {
      next = i + /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0].length;
      const current = CURRENT[sql.slice(i, next).toUpperCase()];
      const qualified = /\.\s*$/.test(sql.slice(0, i));
      const args = /^\s*\(\s*\d*\s*\)/.exec(sql.slice(next));
      if (current && !qualified && (!current.call || args)) {
        out += `CAST('${value[current.type]}' AS ${current.type})`;
        i = next + (args?.[0].length ?? 0);
        continue;
      }
    }
    out += sql.slice(i, next);
    i = next;
  }
  return out;
}
