import { formatTime } from '../intervals/time-format.js';
import { quoteIdent, quoteLiteral, quoteTable, type TableName } from '../util/identifiers.js';

/**
 * The statements incremental kinds run, in SQL that DuckDB and PostgreSQL both accept.
 * Names arrive validated and are quoted here; queries arrive rendered. Time bounds are
 * untyped literals so they compare with DATE, TIMESTAMP and ISO-text columns alike.
 */

/**
 * A time bound as a literal: a date at midnight, else a date-time (UTC); or in the
 * time column's own `format` when the model gives one (`time_column (ds, '%Y%m%d')`).
 */
export function timeLiteral(ms: number, format?: string): string {
  if (format) return quoteLiteral(formatTime(ms, format));
  const iso = new Date(ms).toISOString();
  return quoteLiteral(iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' '));
}

/** `column` within [start, end). */
export function inRange(column: string, start: number, end: number, format?: string): string {
  return `${quoteIdent(column)} >= ${timeLiteral(start, format)} AND ${quoteIdent(column)} < ${timeLiteral(end, format)}`;
}

/** The rows of `query` within [start, end) of `column`, so a batch never writes outside its range. */
export function rowsInRange(query: string, column: string, start: number, end: number, format?: string): string {
  return `SELECT * FROM (${query}) AS planner_batch WHERE ${inRange(column, start, end, format)}`;
}

export function deleteRange(table: TableName, column: string, start: number, end: number, format?: string): string {
  return `DELETE FROM ${quoteTable(table)} WHERE ${inRange(column, start, end, format)}`;
}

/** Inserts by column name, so a column added by a forward-only change lands in place. */
export function insertColumns(table: TableName, columns: readonly string[], query: string): string {
  const list = columns.map(quoteIdent).join(', ');
  return `INSERT INTO ${quoteTable(table)} (${list}) SELECT ${list} FROM (${query}) AS planner_rows`;
}

/** Deletes the rows of `table` whose key is in `staging` (NULL keys match NULL keys). */
export function deleteMatchingKeys(table: TableName, staging: TableName, keys: readonly string[]): string {
  const match = keys.map((k) => `planner_target.${quoteIdent(k)} IS NOT DISTINCT FROM planner_new.${quoteIdent(k)}`).join(' AND ');
  return `DELETE FROM ${quoteTable(table)} AS planner_target WHERE EXISTS (SELECT 1 FROM ${quoteTable(staging)} AS planner_new WHERE ${match})`;
}

/** One row of NULLs typed as `columns` say (types already validated): a table's shape without a query. */
export function typedNulls(columns: readonly { name: string; type: string }[]): string {
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')}`;
}

/** The query's columns followed by `extra` columns of NULLs, typed (validated): the shape of a table a kind adds columns to. */
export function withNullColumns(query: string, extra: readonly { name: string; type: string }[]): string {
  return `SELECT planner_q.*, ${extra.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} FROM (${query}) AS planner_q`;
}

export function countRows(table: TableName, where?: string): string {
  return `SELECT count(*) AS n FROM ${quoteTable(table)}${where ? ` WHERE ${where}` : ''}`;
}

export function addColumn(table: TableName, column: string, type: string): string {
  return `ALTER TABLE ${quoteTable(table)} ADD COLUMN ${quoteIdent(column)} ${type}`;
}

export function dropColumn(table: TableName, column: string): string {
  return `ALTER TABLE ${quoteTable(table)} DROP COLUMN ${quoteIdent(column)}`;
}

export function alterColumnType(table: TableName, column: string, type: string): string {
  return `ALTER TABLE ${quoteTable(table)} ALTER COLUMN ${quoteIdent(column)} TYPE ${type}`;
}
