import { hashOf } from '../util/hash.js';

/**
 * The version of the canonical form below, stored with every snapshot (`fingerprintFormat`).
 * Bump it whenever a fingerprint of an unchanged query would change: a rule here, a
 * parser upgrade that changes its trees (test/unit/fingerprint-golden.test.ts fails then),
 * or what `fingerprintModel` hashes. `planner migrate` then recomputes stored snapshots'
 * fingerprints from their stored queries, keeping their versions and tables.
 *
 * History: 0 = JSON.stringify of DuckDB's json_serialize_sql output for every dialect,
 * positions removed by a regex (snapshots without `fingerprintFormat`); 1 = this form, and
 * PostgreSQL-dialect models parsed by PostgreSQL's own parser.
 */
export const FINGERPRINT_FORMAT = 1;

/** Which parser a tree came from: the trees of two parsers never compare equal. */
export type ParserFamily = 'duckdb' | 'postgres';

/**
 * Keys that say where a node was written, not what it means: each parser's source
 * positions (DuckDB: byte offset of a node; PostgreSQL: byte offset of a node, and the
 * statement's own offset and length).
 */
const POSITION_KEYS: Record<ParserFamily, ReadonlySet<string>> = {
  duckdb: new Set(['query_location']),
  postgres: new Set(['location', 'stmt_location', 'stmt_len']),
};

/**
 * Planner's canonical form of one parsed statement (format {@link FINGERPRINT_FORMAT}),
 * as text. Rules, in order:
 * 1. The input is the statement node alone: DuckDB's `statements[0].node`, PostgreSQL's
 *    `stmts[0].stmt` (never the parser's envelope, which carries its version).
 * 2. Source positions are dropped (POSITION_KEYS), so formatting, comments and keyword
 *    case do not count (both parsers fold keywords and unquoted function names).
 * 3. A field whose value is null, false, '' or [] is dropped: it says "not given", and a
 *    parser release that adds a field with such a default does not change the form.
 *    An empty object is kept: in PostgreSQL's trees `{"A_Star": {}}` names a node.
 * 4. Object keys are written in code-point order, so a parser that reorders its output
 *    does not change the form; array order is kept (it is the query's order).
 * 5. The result is written as JSON text.
 * What remains is each parser's node and field names with their values: a parser release
 * that renames one changes fingerprints, which the golden test catches before release.
 */
export function canonicalQuery(node: unknown, family: ParserFamily): string {
  const out: string[] = [];
  write(node, POSITION_KEYS[family], out);
  return out.join('');
}

/** Hash of the canonical form: what fingerprints and change categorization compare. */
export function canonicalHash(node: unknown, family: ParserFamily): string {
  return hashOf(canonicalQuery(node, family));
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === false || value === '' || (Array.isArray(value) && value.length === 0);
}

function write(value: unknown, drop: ReadonlySet<string>, out: string[]): void {
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i) out.push(',');
      write(v, drop, out);
    });
    out.push(']');
    return;
  }
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  if (typeof value !== 'object') {
    out.push(JSON.stringify(value));
    return;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => !drop.has(k) && !isEmpty(obj[k])).sort();
  out.push('{');
  keys.forEach((k, i) => {
    out.push(i ? ',' : '', JSON.stringify(k), ':');
    write(obj[k], drop, out);
  });
  out.push('}');
}
