import { join } from 'node:path';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { countRows, deleteMatchingKeys, deleteRange, inRange, insertColumns, rowsInRange } from '../engine/incremental-sql.js';
import { InputError } from '../errors.js';
import type { RenderTimes } from '../model/render.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { shortHash } from '../util/hash.js';
import { isValidIdentifier, quoteTable, type TableName } from '../util/identifiers.js';
import type { BackfillBatch } from './plan.js';
import { fullRefreshTimes, renderSnapshot } from './render-snapshot.js';

/** What building needs: the engine, the project (for seed files), and the parent snapshots by name. */
export interface BuildDeps {
  engine: EngineAdapter;
  projectDir: string;
  parentOf: (name: string) => Snapshot | undefined;
}

/**
 * Materializes one snapshot's physical object by its kind, parents already built. Kinds
 * that track intervals get an empty table of the query's shape here; their rows come
 * batch by batch from `computeBatch`.
 */
export async function buildSnapshot(
  snapshot: Snapshot,
  parentOf: (name: string) => Snapshot | undefined,
  deps: { engine: EngineAdapter; projectDir: string },
  now: Date,
): Promise<void> {
  const { engine } = deps;
  const kind = snapshot.model.kind;
  switch (kind.name) {
    case 'SEED':
      await engine.loadCsv(snapshot.physical, join(deps.projectDir, snapshot.model.seedPath!), snapshot.model.columns);
      return;
    case 'VIEW':
      await engine.createView(snapshot.physical, renderSnapshot(snapshot, parentOf, fullRefreshTimes(snapshot, now)));
      return;
    case 'FULL':
    case 'INCREMENTAL_BY_TIME_RANGE':
    case 'INCREMENTAL_BY_UNIQUE_KEY':
      await engine.createTableAs(snapshot.physical, emptyOf(renderSnapshot(snapshot, parentOf, fullRefreshTimes(snapshot, now))));
      return;
    case 'EMBEDDED':
    case 'EXTERNAL':
      return;
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Computes one batch into the snapshot's existing table, by kind: a FULL model is
 * replaced whole; a time range deletes then inserts its rows of [start, end); a unique
 * key merges. Run it in a transaction so a failed batch leaves the table as it was.
 * Returns the rows written when `count` asks for them.
 */
export async function computeBatch(
  snapshot: Snapshot,
  batch: BackfillBatch,
  deps: BuildDeps & { columns: readonly string[]; execution: Date; count: boolean },
): Promise<number | undefined> {
  const { engine } = deps;
  const table = snapshot.physical;
  const kind = snapshot.model.kind;
  const times: RenderTimes = { start: new Date(batch.start), end: new Date(batch.end), execution: deps.execution };
  const query = renderSnapshot(snapshot, deps.parentOf, times);
  switch (kind.name) {
    case 'FULL':
      // DELETE + INSERT rather than a new table: views on it stay valid on every engine.
      await engine.execute(`DELETE FROM ${quoteTable(table)}`);
      await engine.execute(insertColumns(table, deps.columns, query));
      return deps.count ? rowCount(engine, countRows(table)) : undefined;
    case 'INCREMENTAL_BY_TIME_RANGE': {
      const column = checkedColumn(snapshot, kind.timeColumn, 'time_column');
      const format = kind.timeFormat;
      await engine.execute(deleteRange(table, column, batch.start, batch.end, format));
      await engine.execute(insertColumns(table, deps.columns, rowsInRange(query, column, batch.start, batch.end, format)));
      return deps.count ? rowCount(engine, countRows(table, inRange(column, batch.start, batch.end, format))) : undefined;
    }
    case 'INCREMENTAL_BY_UNIQUE_KEY': {
      const keys = kind.uniqueKey.map((k) => checkedColumn(snapshot, k, 'unique_key'));
      const staging = stagingName(table);
      await engine.dropTable(staging);
      await engine.createTableAs(staging, query);
      await engine.execute(deleteMatchingKeys(table, staging, keys));
      await engine.execute(insertColumns(table, deps.columns, `SELECT * FROM ${quoteTable(staging)}`));
      const rows = deps.count ? await rowCount(engine, countRows(staging)) : undefined;
      await engine.dropTable(staging);
      return rows;
    }
    case 'SEED':
    case 'VIEW':
    case 'EMBEDDED':
    case 'EXTERNAL':
      throw new Error(`${kind.name} models have no intervals to compute`);
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The table's columns, by name, for inserts that match columns by name. They become
 * identifiers in SQL, so they must pass the same allowlist as every other name.
 */
export async function insertableColumns(snapshot: Snapshot, engine: EngineAdapter): Promise<string[]> {
  const columns = (await engine.columns(snapshot.physical)).map((c) => c.name);
  for (const c of columns) checkedColumn(snapshot, c, 'column');
  return columns;
}

/** A query's shape without its rows. */
export function emptyOf(query: string): string {
  return `SELECT * FROM (${query}) AS planner_shape LIMIT 0`;
}

/** A work table next to `table`, for a batch's rows or a query's shape. */
export function stagingName(table: TableName, purpose = 'stage'): TableName {
  return { schema: table.schema, table: `planner_${purpose}_${shortHash(`${table.schema}.${table.table}`, 12)}` };
}

function checkedColumn(snapshot: Snapshot, column: string, what: string): string {
  if (!isValidIdentifier(column)) {
    throw new InputError(`model ${snapshot.name}: ${what} '${column}' is not a valid column name for an incremental model`, {
      code: 'invalid_identifier',
      location: { file: snapshot.model.file },
      hint: 'alias every output column with a lowercase name (letters, digits, underscores)',
    });
  }
  return column;
}

async function rowCount(engine: EngineAdapter, sql: string): Promise<number> {
  return Number((await engine.query(sql)).rows[0]?.n ?? 0);
}
