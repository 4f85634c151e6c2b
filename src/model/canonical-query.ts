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
export function canonicalQuery(node: unknown, family: ParserFamily, cache?: CanonicalCache): string {
  return write(node, POSITION_KEYS[family], cache);
}

/**
 * Canonical texts of subtrees already written, for hashing a tree and then its parts (a
 * query, its body, each projection) in one pass over its nodes. Use one per tree.
 */
export type CanonicalCache = WeakMap<object, string>;

/** Hash of the canonical form: what fingerprints and change categorization compare. */
export function canonicalHash(node: unknown, family: ParserFamily, cache?: CanonicalCache): string {
  return hashOf(canonicalQuery(node, family, cache));
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === false || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Quoted keys, reused: trees repeat a few dozen key names thousands of times. */
const quotedKeys = new Map<string, string>();

// String concatenation, not an array of parts: V8 builds ropes, and this runs over every
// node of every model on each plan.
function write(value: unknown, drop: ReadonlySet<string>, cache?: CanonicalCache): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return value === undefined ? 'null' : String(value);
  if (value === null) return 'null';
  const cached = cache?.get(value);
  if (cached !== undefined) return cached;
  const text = writeObject(value, drop, cache);
  cache?.set(value, text);
  return text;
}

function writeObject(value: object, drop: ReadonlySet<string>, cache?: CanonicalCache): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i], drop, cache);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => !drop.has(k) && !isEmpty(obj[k])).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    let quoted = quotedKeys.get(k);
    if (quoted === undefined) quotedKeys.set(k, (quoted = `${JSON.stringify(k)}:`));
    out += (i ? ',' : '') + quoted + write(obj[k], drop, cache);
  }
  return out + '}';
}
