import type { Dialect } from '../config/types.js';
import { quoteIdent, quoteTable, type TableName } from '../util/identifiers.js';
import { columnsEqual, keysEqual } from './column-compare.js';
import type { ComparedColumn } from './schema-diff.js';
import { whereCondition } from './where-clause.js';

/**
 * The SQL of a row diff. Every name is quoted through the identifier helper; the only user
 * SQL is the validated `--where` expression. Written in the common ground of DuckDB and
 * PostgreSQL: FULL OUTER JOIN, aggregate FILTER, IS NOT DISTINCT FROM, ROW(...).
 */
export interface RowDiffQuery {
  dialect: Dialect;
  a: TableName;
  b: TableName;
  /** A validated `--where` expression, or null. */
  where: string | null;
  keys: ComparedColumn[];
  columns: ComparedColumn[];
  decimals: number;
  /** Leave out rows with a NULL key; only added when some exist, to keep the common query lean. */
  dropNullKeys: boolean;
  /** A SELECT read instead of a side's table (a sanitized environment's masks applied to it). */
  sources?: { a?: string; b?: string };
}

/** What a side reads: its table, or the query given for it. */
function from(query: RowDiffQuery, which: SideName): string {
  const source = query.sources?.[which];
  return source ? `(${source}) AS ${q(`${which}_source`)}` : quoteTable(query[which]);
}

type SideName = 'a' | 'b';

const q = quoteIdent;
const col = (side: SideName, name: string) => `${q(side)}.${q(name)}`;
const other = (side: SideName): SideName => (side === 'a' ? 'b' : 'a');

/** The rows of one side the diff reads: the wanted columns, filtered. */
function side(query: RowDiffQuery, which: SideName, columns: string[]): string {
  const filters: string[] = [];
  if (query.where) filters.push(whereCondition(query.where));
  if (query.dropNullKeys) filters.push(...query.keys.map((k) => `${q(k.name)} IS NOT NULL`));
  const where = filters.length ? ` WHERE ${filters.join(' AND ')}` : '';
  return `(SELECT ${columns.map(q).join(', ')} FROM ${from(query, which)}${where}) AS ${q(which)}`;
}

function joinOn(query: RowDiffQuery): string {
  return query.keys.map((k) => keysEqual(col('a', k.name), col('b', k.name), k.how, query.decimals, query.dialect)).join(' AND ');
}

function equal(query: RowDiffQuery, c: ComparedColumn): string {
  return columnsEqual(col('a', c.name), col('b', c.name), c.how, query.decimals, query.dialect);
}

/** A value identifying a row's key, for counting distinct keys. */
function keyValue(query: RowDiffQuery, which: SideName): string {
  const parts = query.keys.map((k) => col(which, k.name));
  return parts.length === 1 ? parts[0] : `ROW(${parts.join(', ')})`;
}

const keyAndColumns = (query: RowDiffQuery) => [...query.keys, ...query.columns].map((c) => c.name);

/**
 * Rows and NULL-key rows per side: one cheap scan each, no join. Aliases: a_rows,
 * a_null_keys, b_rows, b_null_keys.
 */
export function sideCountsSql(query: RowDiffQuery): string {
  const counts = (which: SideName) => {
    const anyNull = query.keys.map((k) => `${q(k.name)} IS NULL`).join(' OR ');
    const where = query.where ? ` WHERE ${whereCondition(query.where)}` : '';
    return `(SELECT count(*) AS ${q(`${which}_rows`)}, count(*) FILTER (WHERE ${anyNull}) AS ${q(`${which}_null_keys`)} FROM ${from(query, which)}${where}) AS ${q(which)}`;
  };
  return `SELECT * FROM ${counts('a')} CROSS JOIN ${counts('b')}`;
}

/**
 * The whole row diff in one FULL OUTER JOIN: rows only in A or B, matched, identical, and
 * per compared column how many matched rows agree (alias eq_<index>). Distinct keys among
 * the unmatched rows (only_a_keys, only_b_keys) let the caller detect duplicate keys without
 * a separate GROUP BY: see `hasDuplicates` in diff-tables.ts.
 */
export function rowDiffSql(query: RowDiffQuery): string {
  const cols = keyAndColumns(query);
  const firstKey = query.keys[0].name;
  const flags = query.columns.map((c, i) => `${equal(query, c)} AS ${q(`eq_${i}`)}`);
  const inner = [
    `${col('a', firstKey)} IS NOT NULL AS ${q('in_a')}`,
    `${col('b', firstKey)} IS NOT NULL AS ${q('in_b')}`,
    `${keyValue(query, 'a')} AS ${q('key_a')}`,
    `${keyValue(query, 'b')} AS ${q('key_b')}`,
    ...flags,
  ];
  const onlyA = `${q('in_a')} AND NOT ${q('in_b')}`;
  const onlyB = `${q('in_b')} AND NOT ${q('in_a')}`;
  const both = `${q('in_a')} AND ${q('in_b')}`;
  const allEqual = query.columns.map((_, i) => ` AND ${q(`eq_${i}`)}`).join('');
  const outer = [
    `count(*) FILTER (WHERE ${onlyA}) AS ${q('only_a')}`,
    `count(DISTINCT ${q('key_a')}) FILTER (WHERE ${onlyA}) AS ${q('only_a_keys')}`,
    `count(*) FILTER (WHERE ${onlyB}) AS ${q('only_b')}`,
    `count(DISTINCT ${q('key_b')}) FILTER (WHERE ${onlyB}) AS ${q('only_b_keys')}`,
    `count(*) FILTER (WHERE ${both}) AS ${q('matched')}`,
    `count(*) FILTER (WHERE ${both}${allEqual}) AS ${q('identical')}`,
    ...query.columns.map((_, i) => `count(*) FILTER (WHERE ${both} AND ${q(`eq_${i}`)}) AS ${q(`eq_${i}`)}`),
  ];
  return (
    `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} ` +
    `FROM ${side(query, 'a', cols)} FULL OUTER JOIN ${side(query, 'b', cols)} ON ${joinOn(query)}) AS ${q('j')}`
  );
}

/**
 * Exact duplicate-key counts per side (a GROUP BY over each side), run only once the row
 * diff has shown that some key repeats. Aliases: a_duplicate_keys, a_duplicate_rows, b_...
 */
export function duplicateKeysSql(query: RowDiffQuery): string {
  const keys = query.keys.map((k) => k.name);
  const stats = (which: SideName) =>
    `(SELECT count(*) AS ${q(`${which}_duplicate_keys`)}, COALESCE(sum(${q('n')}), 0) AS ${q(`${which}_duplicate_rows`)} ` +
    `FROM (SELECT count(*) AS ${q('n')} FROM ${side({ ...query, dropNullKeys: true }, which, keys)} ` +
    `GROUP BY ${keys.map(q).join(', ')} HAVING count(*) > 1) AS ${q('d')}) AS ${q(which)}`;
  return `SELECT * FROM ${stats('a')} CROSS JOIN ${stats('b')}`;
}

/** Up to `limit` rows of `which` whose key is not on the other side, in key order. */
export function onlyInSql(query: RowDiffQuery, which: SideName, columns: string[], limit: number): string {
  const keys = query.keys.map((k) => k.name);
  return (
    `SELECT ${columns.map((c) => col(which, c)).join(', ')} FROM ${side(query, which, columns)} ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${side(query, other(which), keys)} WHERE ${joinOn(query)}) ` +
    `ORDER BY ${keys.map((k) => col(which, k)).join(', ')} LIMIT ${Math.trunc(limit)}`
  );
}

/**
 * Up to `limit` matched rows where some compared column differs, in key order. Aliases:
 * k_<i> for keys, a_<i> / b_<i> for both sides' values and eq_<i> for whether they agree.
 */
export function differentRowsSql(query: RowDiffQuery, limit: number): string {
  const cols = keyAndColumns(query);
  const select = [
    ...query.keys.map((k, i) => `${col('a', k.name)} AS ${q(`k_${i}`)}`),
    ...query.columns.flatMap((c, i) => [`${col('a', c.name)} AS ${q(`a_${i}`)}`, `${col('b', c.name)} AS ${q(`b_${i}`)}`, `${equal(query, c)} AS ${q(`eq_${i}`)}`]),
  ];
  const allEqual = query.columns.map((c) => equal(query, c)).join(' AND ');
  return (
    `SELECT ${select.join(', ')} FROM ${side(query, 'a', cols)} INNER JOIN ${side(query, 'b', cols)} ON ${joinOn(query)} ` +
    `WHERE NOT (${allEqual}) ORDER BY ${query.keys.map((_, i) => q(`k_${i}`)).join(', ')} LIMIT ${Math.trunc(limit)}`
  );
}
