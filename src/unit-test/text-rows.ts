import type { QueryResult } from '../engine/engine-adapter.js';
import { quoteIdent } from '../util/identifiers.js';

/** Rows with every value as the engine writes it as text (NULL stays null), and each column's type. */
export interface TextRows {
  columns: { name: string; type: string }[];
  rows: Record<string, string | null>[];
}

/**
 * Runs `sql` with each column cast to TEXT, so values reach a test file exactly as the
 * engine writes them (a DECIMAL's digits, a timestamp's fraction) rather than through
 * JavaScript's numbers and dates. The same SQL on DuckDB and PostgreSQL.
 */
export async function textRows(run: (sql: string) => Promise<QueryResult>, sql: string): Promise<TextRows> {
  const shape = await run(`SELECT * FROM (${sql}) AS q LIMIT 0`);
  if (!shape.columns.length) return { columns: [], rows: [] };
  const list = shape.columns.map((c) => `CAST(q.${quoteIdent(c.name)} AS TEXT) AS ${quoteIdent(c.name)}`).join(', ');
  const result = await run(`SELECT ${list} FROM (${sql}) AS q`);
  return { columns: shape.columns, rows: result.rows.map((r) => Object.fromEntries(shape.columns.map((c) => [c.name, r[c.name] === null || r[c.name] === undefined ? null : String(r[c.name])]))) };
}

/**
 * A value for a YAML test file: numbers and booleans as YAML's own, the rest (dates,
 * timestamps, text) as strings; a decimal whose digits a JavaScript number would change
 * stays a string (its column type casts it back).
 */
export function yamlValue(text: string | null, type: string): unknown {
  if (text === null) return null;
  const t = type.toUpperCase();
  if (t === 'BOOLEAN' || t === 'BOOL') return text === 'true' || text === 't';
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT[248])$/.test(t)) {
    return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  }
  if (/^(DOUBLE|REAL|FLOAT|FLOAT[48]|DOUBLE PRECISION|DECIMAL|NUMERIC)/.test(t) && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) {
    const n = Number(text);
    const digits = (s: string) => s.replace(/^(-?)0+(?=\d)/, '$1').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    return t.startsWith('DECIMAL') || t.startsWith('NUMERIC') ? (digits(String(n)) === digits(text) ? n : text) : n;
  }
  return text;
}

/**
 * A warehouse column type as the test's in-memory DuckDB declares it: PostgreSQL's
 * NUMERIC without precision would be DuckDB's DECIMAL(18,3), so it widens; types DuckDB
 * lacks are text.
 */
export function testColumnType(type: string): string {
  const t = type.toUpperCase();
  if (t === 'NUMERIC' || t === 'DECIMAL') return 'DECIMAL(38,9)';
  if (t === 'DOUBLE PRECISION') return 'DOUBLE';
  if (t === 'JSONB' || t.startsWith('OID ') || t === 'CHAR') return 'VARCHAR';
  return type;
}
