import { shortHash } from '../../util/hash.js';
import { isValidIdentifier, quoteIdent, quoteLiteral, quoteTable, type TableName } from '../../util/identifiers.js';
import type { QueryResult, TableLayout } from '../engine-adapter.js';

/**
 * A model's table with its layout on PostgreSQL. Partitioned (`PARTITION BY RANGE`, which
 * takes several columns and orders dates and numbers as a time range wants), with a DEFAULT
 * partition so every row has a home; the storage parameters go on that partition, because
 * a partitioned table has no storage of its own and PostgreSQL refuses them there.
 */
export interface LayoutDdl {
  /** Goes after `CREATE TABLE name (columns)` or before `AS query`. */
  suffix: string;
  /** Statements after the table exists (its DEFAULT partition). */
  after: string[];
}

export function layoutDdl(table: TableName, layout: TableLayout): LayoutDdl {
  const storage = layout.storage.length ? `WITH (${layout.storage.map((p) => `${quoteIdent(p.name)} = ${quoteLiteral(p.value)}`).join(', ')})` : '';
  if (!layout.partitionBy.length) return { suffix: storage, after: [] };
  const partition = { schema: table.schema, table: defaultPartitionName(table) };
  return {
    suffix: `PARTITION BY RANGE (${layout.partitionBy.map(quoteIdent).join(', ')})`,
    after: [`CREATE TABLE ${quoteTable(partition)} PARTITION OF ${quoteTable(table)} DEFAULT ${storage}`.trimEnd()],
  };
}

/** `<table>__default`, or a hashed name when that would pass PostgreSQL's 63 bytes. */
export function defaultPartitionName(table: TableName): string {
  const plain = `${table.table}__default`;
  return isValidIdentifier(plain) ? plain : `planner_default_${shortHash(`${table.schema}.${table.table}`, 12)}`;
}

/**
 * The statements that create `table` from `query` with `layout`. CREATE TABLE AS cannot
 * create a partitioned table: the columns come from the query planned into an empty
 * scratch table (WITH NO DATA runs nothing), then the rows are inserted. Run them in one
 * transaction, so a killed build leaves no table.
 */
export function createTableAsWithLayout(table: TableName, query: string, layout: TableLayout): string[] {
  const ddl = layoutDdl(table, layout);
  if (!layout.partitionBy.length) return [`CREATE TABLE ${quoteTable(table)} ${ddl.suffix} AS ${query}`];
  const shape = { schema: table.schema, table: `planner_shape_${shortHash(`${table.schema}.${table.table}`, 12)}` };
  return [
    `DROP TABLE IF EXISTS ${quoteTable(shape)}`,
    `CREATE TABLE ${quoteTable(shape)} AS SELECT * FROM (${query}) AS planner_rows WITH NO DATA`,
    `CREATE TABLE ${quoteTable(table)} (LIKE ${quoteTable(shape)}) ${ddl.suffix}`,
    `DROP TABLE ${quoteTable(shape)}`,
    ...ddl.after,
    `INSERT INTO ${quoteTable(table)} SELECT * FROM (${query}) AS planner_rows`,
  ];
}

/**
 * The layout a table has in the catalog: its RANGE key's columns, and the storage
 * parameters of the table or, when partitioned, of its DEFAULT partition (where
 * `layoutDdl` puts them). Undefined when the table does not exist.
 */
export async function readTableLayout(query: (sql: string, params: unknown[]) => Promise<QueryResult>, table: TableName): Promise<TableLayout | undefined> {
  const { rows } = await query(
    `SELECT (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY AS k (attnum, ord)
               JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS key,
            coalesce(d.reloptions, c.reloptions) AS options
       FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
       LEFT JOIN pg_partitioned_table AS pt ON pt.partrelid = c.oid
       LEFT JOIN pg_class AS d ON d.oid = pt.partdefid
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [table.schema, table.table],
  );
  if (!rows.length) return undefined;
  const options = (rows[0].options as string[] | null) ?? [];
  return {
    partitionBy: (rows[0].key as string[] | null) ?? [],
    storage: options.map((o) => ({ name: o.slice(0, o.indexOf('=')), value: o.slice(o.indexOf('=') + 1) })),
  };
}
