import type { CsvSettings } from '../util/csv.js';
import { shortHash } from '../util/hash.js';
import { quoteTable, type TableName } from '../util/identifiers.js';
import { validateColumnType } from '../util/column-types.js';
import type { EngineAdapter, TableLayout } from './engine-adapter.js';
import { addColumn, alterColumnType, countRows, deleteMatchingKeys, deleteRange, dropColumn, inRange, insertColumns, rowsInRange, typedNulls, withNullColumns } from './incremental-sql.js';
import { deleteCurrentRows, scdType2CurrentRows, type Scd2Merge } from './scd-type-2-sql.js';

/**
 * The operations a model kind uses on its physical object, in the planner's words (create,
 * replace rows, replace a time range, merge by key), so `kinds/` and `plan/` never write
 * SQL. Names arrive validated; queries arrive rendered. Each `count` asks for the rows the
 * operation wrote (undefined when not asked). Every adapter holds one as `engine.ops`.
 * @example await engine.ops.replaceRange(table, ['id', 'ds'], { column: 'ds', start, end }, query, false)
 */
export interface PhysicalOps {
  /**
   * The same operations, creating the model's table (createTableAs, createEmptyTable,
   * createTableOfColumns, loadCsv) with `layout`; work tables stay plain.
   */
  withLayout(layout: TableLayout | undefined): PhysicalOps;
  /** A new table holding `query`'s rows (a leftover of a killed run is replaced). */
  createTableAs(table: TableName, query: string): Promise<void>;
  /** A new empty table of `query`'s shape, followed by `extra` columns the kind manages (SCD Type 2's validity columns). */
  createEmptyTable(table: TableName, query: string, extra?: readonly ColumnDef[]): Promise<void>;
  /** A new empty table of declared columns (a model whose query reads its own table has no shape before it exists). */
  createTableOfColumns(table: TableName, columns: readonly { name: string; type: string }[]): Promise<void>;
  createView(view: TableName, query: string): Promise<void>;
  loadCsv(table: TableName, file: string, columns?: { name: string; type: string }[], csv?: CsvSettings): Promise<void>;
  dropTable(table: TableName): Promise<void>;
  /** Every row replaced by `query`'s, inserted by column name (views on the table stay valid). */
  replaceRows(table: TableName, columns: readonly string[], query: string, count: boolean): Promise<number | undefined>;
  /** The rows of [start, end) of the range's column replaced by `query`'s rows of that range. */
  replaceRange(table: TableName, columns: readonly string[], range: TimeRange, query: string, count: boolean): Promise<number | undefined>;
  /** `query`'s rows replace the rows with the same `keys` (NULL keys match NULL keys); counts the rows merged. */
  mergeByKeys(table: TableName, columns: readonly string[], keys: readonly string[], query: string, count: boolean): Promise<number | undefined>;
  /**
   * INCREMENTAL_BY_PARTITION: every partition (value of `partition`'s columns, NULL
   * matching NULL) that `query` brings loses all its rows to `query`'s; other partitions
   * stay. Counts the rows written.
   */
  replacePartitions(table: TableName, columns: readonly string[], partition: readonly string[], query: string, count: boolean): Promise<number | undefined>;
  countRows(table: TableName): Promise<number>;
  /**
   * The columns `query` outputs, followed by `extra`, with the catalog's type names (read
   * from an empty scratch table next to `near`).
   */
  queryColumns(near: TableName, query: string, extra?: readonly ColumnDef[]): Promise<{ name: string; type: string }[]>;
  /** Points a view (environment or physical layer) at a table, whatever its columns. */
  pointView(view: TableName, table: TableName): Promise<void>;
  addColumn(table: TableName, column: string, type: string): Promise<void>;
  dropColumn(table: TableName, column: string): Promise<void>;
  retypeColumn(table: TableName, column: string, type: string): Promise<void>;
  /** `query`'s rows added to the table, nothing replaced. */
  appendRows(table: TableName, columns: readonly string[], query: string, count: boolean): Promise<number | undefined>;
  /**
   * SCD Type 2: the table's current rows replaced by the merge of them with the source's
   * rows (`merge.query`); closed history is kept. Counts the current rows afterwards.
   */
  mergeHistory(merge: Scd2Merge, count: boolean): Promise<number | undefined>;
}

/** A column and its SQL type (validated before it reaches DDL). */
export interface ColumnDef {
  name: string;
  type: string;
}

/** [start, end) of a time column; `format` when its values are text or numbers written in one (`'%Y%m%d'`). */
export interface TimeRange {
  column: string;
  start: number;
  end: number;
  format?: string;
}

/** A query's shape without its rows. */
function emptyOf(query: string): string {
  return `SELECT * FROM (${query}) AS planner_shape LIMIT 0`;
}

/** `query`, followed by the kind's extra columns (types validated), when it has any. */
function shaped(query: string, extra: readonly ColumnDef[] | undefined): string {
  return extra?.length ? withNullColumns(query, extra.map((c) => ({ name: c.name, type: validateColumnType(c.type, c.name) }))) : query;
}

/** A work table next to `table`, for a batch's rows or a query's shape. */
function stagingName(table: TableName, purpose = 'stage'): TableName {
  return { schema: table.schema, table: `planner_${purpose}_${shortHash(`${table.schema}.${table.table}`, 12)}` };
}

/**
 * The physical operations on one engine, in SQL DuckDB and PostgreSQL both accept (from
 * incremental-sql.ts); what differs between engines is in the adapter's own methods
 * (createTableAs, replaceView, loadCsv), which these call.
 */
export function physicalOps(engine: EngineAdapter, layout?: TableLayout): PhysicalOps {
  const count = async (sql: string) => Number((await engine.query(sql)).rows[0]?.n ?? 0);
  // Staged first, so the query is run once and may read the table it replaces rows of.
  async function replaceMatching(table: TableName, columns: readonly string[], keys: readonly string[], query: string, wantCount: boolean) {
    const staging = stagingName(table);
    await engine.dropTable(staging);
    await engine.createTableAs(staging, query);
    await engine.execute(deleteMatchingKeys(table, staging, keys));
    await engine.execute(insertColumns(table, columns, `SELECT * FROM ${quoteTable(staging)}`));
    const rows = wantCount ? await count(countRows(staging)) : undefined;
    await engine.dropTable(staging);
    return rows;
  }
  return {
    withLayout: (next) => (next ? physicalOps(engine, next) : physicalOps(engine)),
    createTableAs: (table, query) => engine.createTableAs(table, query, layout),
    createEmptyTable: (table, query, extra) => engine.createTableAs(table, emptyOf(shaped(query, extra)), layout),
    createTableOfColumns: (table, columns) =>
      engine.createTableAs(table, emptyOf(typedNulls(columns.map((c) => ({ name: c.name, type: validateColumnType(c.type, c.name) })))), layout),
    createView: (view, query) => engine.createView(view, query),
    loadCsv: (table, file, columns, csv) => engine.loadCsv(table, file, columns, csv, layout),
    dropTable: (table) => engine.dropTable(table),
    async replaceRows(table, columns, query, wantCount) {
      // DELETE + INSERT rather than a new table: views on it stay valid on every engine.
      await engine.execute(`DELETE FROM ${quoteTable(table)}`);
      await engine.execute(insertColumns(table, columns, query));
      return wantCount ? count(countRows(table)) : undefined;
    },
    async replaceRange(table, columns, { column, start, end, format }, query, wantCount) {
      await engine.execute(deleteRange(table, column, start, end, format));
      await engine.execute(insertColumns(table, columns, rowsInRange(query, column, start, end, format)));
      return wantCount ? count(countRows(table, inRange(column, start, end, format))) : undefined;
    },
    mergeByKeys: replaceMatching,
    // The same statements as a merge by key: a partition's key matches all its rows.
    replacePartitions: replaceMatching,
    countRows: (table) => count(countRows(table)),
    async queryColumns(near, query, extra) {
      const scratch = stagingName(near, 'shape');
      return engine.transaction(async () => {
        await engine.dropTable(scratch);
        await engine.createTableAs(scratch, emptyOf(shaped(query, extra)));
        const columns = await engine.columns(scratch);
        await engine.dropTable(scratch);
        return columns;
      });
    },
    pointView: (view, table) => engine.replaceView(view, `SELECT * FROM ${quoteTable(table)}`),
    addColumn: (table, column, type) => engine.execute(addColumn(table, column, validateColumnType(type, column))),
    dropColumn: (table, column) => engine.execute(dropColumn(table, column)),
    retypeColumn: (table, column, type) => engine.execute(alterColumnType(table, column, validateColumnType(type, column))),
    async appendRows(table, columns, query, wantCount) {
      if (!wantCount) {
        await engine.execute(insertColumns(table, columns, query));
        return undefined;
      }
      const before = await count(countRows(table));
      await engine.execute(insertColumns(table, columns, query));
      return (await count(countRows(table))) - before;
    },
    async mergeHistory(merge, wantCount) {
      // Staged first: the merge reads the current rows that the delete removes.
      const staging = stagingName(merge.table);
      await engine.dropTable(staging);
      await engine.createTableAs(staging, scdType2CurrentRows(merge));
      await engine.execute(deleteCurrentRows(merge.table, merge.validTo));
      await engine.execute(insertColumns(merge.table, [...merge.columns, merge.validFrom, merge.validTo], `SELECT * FROM ${quoteTable(staging)}`));
      const rows = wantCount ? await count(countRows(staging)) : undefined;
      await engine.dropTable(staging);
      return rows;
    },
  };
}
