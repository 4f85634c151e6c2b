import type { Dialect } from '../config/types.js';
import { quotedEnd } from '../util/sql-text.js';
import { parseByDialect } from './sql-parser.js';

/** A top-level CTE of a query: its name as written (quoted or not) and lowercased. */
export interface QueryCte {
  name: string;
  text: string;
}

/** The named CTEs of a query's top-level WITH clause, and where that clause ends. */
export interface QueryWith {
  ctes: QueryCte[];
  /** Character offset just past the last CTE's closing parenthesis (0 when there is no WITH). */
  end: number;
}

/**
 * The CTEs of `sql`'s top-level WITH, read by the dialect's own parser (DuckDB's
 * `json_serialize_sql`, or libpg_query for postgres), as SQLMesh reads `query.ctes`; the
 * clause's end is found by scanning the text, since neither parser reports it. Used by unit
 * tests to run one CTE: `sql.slice(0, end) + SELECT * FROM <cte>`.
 */
export async function queryCtes(sql: string, dialect: Dialect): Promise<QueryWith> {
  const [outcome] = await parseByDialect([dialect], [sql]);
  if (!outcome.ok) throw new Error(`the query does not parse: ${outcome.message}`);
  const node = outcome.tree.node as { cte_map?: { map?: { key: string }[] }; SelectStmt?: { withClause?: { ctes?: { CommonTableExpr?: { ctename?: string } }[] } } };
  const parsed =
    outcome.tree.parser === 'duckdb'
      ? (node.cte_map?.map ?? []).map((e) => e.key.toLowerCase())
      : (node.SelectStmt?.withClause?.ctes ?? []).map((c) => String(c.CommonTableExpr?.ctename ?? '').toLowerCase());
  if (!parsed.length) return { ctes: [], end: 0 };
  const scanned = scanWith(sql);
  // The parser is the authority; the scan only finds where the clause ends, and must agree on the names.
  if (!scanned || scanned.ctes.map((c) => c.name).join(',') !== parsed.join(',')) {
    throw new Error(`cannot locate the WITH clause's end (the parser sees CTEs ${parsed.join(', ')})`);
  }
  return scanned;
}

/** `WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (...) [, ...]` at the start of `sql`. */
function scanWith(sql: string): QueryWith | null {
  let i = skipSpace(sql, 0);
  const word = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i));
    return m ? m[0] : '';
  };
  const take = (w: string): boolean => {
    if (word().toUpperCase() !== w) return false;
    i = skipSpace(sql, i + w.length);
    return true;
  };
  if (!take('WITH')) return null;
  take('RECURSIVE');
  const ctes: QueryCte[] = [];
  for (;;) {
    let text: string;
    if (sql[i] === '"') {
      const end = quotedEnd(sql, i);
      if (end === null) return null;
      text = sql.slice(i, end);
      i = end;
    } else {
      text = word();
      if (!text) return null;
      i += text.length;
    }
    ctes.push({ name: text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"').toLowerCase() : text.toLowerCase(), text });
    i = skipSpace(sql, i);
    if (sql[i] === '(') i = skipSpace(sql, groupEnd(sql, i));
    if (!take('AS')) return null;
    take('NOT');
    take('MATERIALIZED');
    if (sql[i] !== '(') return null;
    const end = groupEnd(sql, i);
    const next = skipSpace(sql, end);
    if (sql[next] !== ',') return { ctes, end };
    i = skipSpace(sql, next + 1);
  }
}

/** Index just past the parenthesis that closes the one at `open`, skipping quotes and comments. */
function groupEnd(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') i = (quotedEnd(sql, i) ?? sql.length) - 1;
    else if (ch === '-' && sql[i + 1] === '-') i = lineEnd(sql, i) - 1;
    else if (ch === '/' && sql[i + 1] === '*') i = blockEnd(sql, i) - 1;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return sql.length;
}

function skipSpace(sql: string, i: number): number {
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i])) i++;
    if (sql.startsWith('--', i)) i = lineEnd(sql, i);
    else if (sql.startsWith('/*', i)) i = blockEnd(sql, i);
    else return i;
  }
}

function lineEnd(sql: string, i: number): number {
  const nl = sql.indexOf('\n', i);
  return nl < 0 ? sql.length : nl + 1;
}

function blockEnd(sql: string, i: number): number {
  const close = sql.indexOf('*/', i + 2);
  return close < 0 ? sql.length : close + 2;
}
