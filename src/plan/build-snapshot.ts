import { join } from 'node:path';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { PhysicalOps } from '../engine/physical-ops.js';
import { InputError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import { readsItself } from '../model/self-reference.js';
import { tableLayout } from '../model/table-layout.js';
import { renderStatements, type RenderTimes, type RuntimeStage } from '../model/render.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { isValidIdentifier, quoteTable, type TableName } from '../util/identifiers.js';
import { createLoaded, maskedReads, writtenQuery } from './masked-build.js';
import type { BackfillBatch } from './plan.js';
import { fullRefreshTimes, physicalNameOf, renderSnapshot } from './render-snapshot.js';

/** What building needs: the engine, the project (for seed files), and the parent snapshots by name. */
export interface BuildDeps {
  engine: EngineAdapter;
  projectDir: string;
  parentOf: (name: string) => Snapshot | undefined;
}

/**
 * Materializes one snapshot's physical object as its kind says, parents already built.
 * Kinds that track intervals get an empty table of the query's shape here; their rows
 * come batch by batch from `computeBatch`.
 */
export async function buildSnapshot(
  snapshot: Snapshot,
  parentOf: (name: string) => Snapshot | undefined,
  deps: { engine: EngineAdapter; projectDir: string },
  now: Date,
): Promise<void> {
  const m = snapshot.model;
  const times = fullRefreshTimes(snapshot, now);
  await runStatements(snapshot, 'pre', { engine: deps.engine, parentOf }, times, 'creating');
  const ops = tableOps(snapshot, deps.engine);
  const strategy = kindStrategy(m.kind);
  // A query that reads its own table cannot be described before the table exists.
  if (readsItself(m)) await ops.createTableOfColumns(snapshot.physical, m.columns ?? []);
  else {
    const seedFile = m.seedPath === undefined ? undefined : join(deps.projectDir, m.seedPath);
    const create = (table: TableName, into: PhysicalOps, query: string) => strategy.create({ kind: m.kind, table, ops: into, query: () => query, seedFile, columns: m.columns });
    // A query is masked as it is written (builtQuery); a loaded object (SEED) after it is loaded.
    if (strategy.hasQuery) await create(snapshot.physical, ops, await builtQuery(snapshot, parentOf, times, deps.engine));
    else await createLoaded(snapshot, deps.engine, ops, (table, into) => create(table, into, ''));
  }
  await runStatements(snapshot, 'post', { engine: deps.engine, parentOf }, times, 'creating');
}

/**
 * The query a build of `snapshot` runs for `times`: its parents read through their masks
 * and its own masked columns masked where it is a masked build (masked-build.ts).
 * `planner render` prints this very query.
 */
export async function builtQuery(snapshot: Snapshot, parentOf: (name: string) => Snapshot | undefined, times: RenderTimes, engine: EngineAdapter): Promise<string> {
  const reads = await maskedReads(snapshot, parentOf, engine);
  return writtenQuery(snapshot, renderSnapshot(snapshot, parentOf, times, reads), engine);
}

/** The engine's operations, creating the model's table with its layout (partitioned_by, physical_properties) where the engine honours one. */
export function tableOps(snapshot: Snapshot, engine: EngineAdapter): PhysicalOps {
  return engine.ops.withLayout(tableLayout(snapshot.model, engine.dialect).layout);
}

/**
 * Runs a model's statements before (`pre`) or after (`post`) its query, in the build's
 * session, with runtime variables of this build (@this_model is the physical table) and
 * model names resolved to physical tables as in the query.
 */
export async function runStatements(
  snapshot: Snapshot,
  which: 'pre' | 'post',
  deps: { engine: EngineAdapter; parentOf: (name: string) => Snapshot | undefined },
  times: RenderTimes,
  stage: RuntimeStage,
): Promise<void> {
  const statements = snapshot.model.statements?.[which];
  if (!statements?.length) return;
  const resolve = physicalNameOf(snapshot, deps.parentOf);
  for (const sql of renderStatements(statements, snapshot.model.dialect, times, quoteTable(snapshot.physical), stage, resolve)) await deps.engine.execute(sql);
}

/**
 * Computes one batch into the snapshot's existing table, as its kind lands a batch (a
 * FULL model is replaced whole, a time range deletes then inserts its rows, a unique key
 * merges). Run it in a transaction so a failed batch leaves the table as it was. Returns
 * the rows written when `count` asks for them.
 */
export async function computeBatch(
  snapshot: Snapshot,
  batch: BackfillBatch,
  deps: BuildDeps & { columns: readonly string[]; execution: Date; count: boolean },
): Promise<number | undefined> {
  const kind = snapshot.model.kind;
  const intervals = kindStrategy(kind).intervals;
  if (!intervals) throw new Error(`${kind.name} models have no intervals to compute`);
  const times: RenderTimes = { start: new Date(batch.start), end: new Date(batch.end), execution: deps.execution };
  await runStatements(snapshot, 'pre', deps, times, 'evaluating');
  const written = await intervals.land({
    kind,
    table: snapshot.physical,
    ops: deps.engine.ops,
    batch,
    query: await builtQuery(snapshot, deps.parentOf, times, deps.engine),
    execution: deps.execution,
    columns: deps.columns,
    count: deps.count,
    column: (name, property) => checkedColumn(snapshot, name, property),
  });
  await runStatements(snapshot, 'post', deps, times, 'evaluating');
  return written;
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
