import type { CsvSettings } from '../util/csv.js';
import type { PhysicalOps } from '../engine/physical-ops.js';
import type { CronSchedule } from '../intervals/cron.js';
import type { Interval } from '../intervals/interval.js';
import type { KindName, ModelKind } from '../model/model.js';
import type { TableName } from '../util/identifiers.js';

/**
 * Reads the arguments written inside `kind NAME (...)`: each fails with the header's
 * file:line:col. Only the properties the strategy declares reach it.
 */
export interface KindArgs {
  has(key: string): boolean;
  /** A single value as text. */
  text(key: string): string;
  /** A name or a list of names; `hint` follows the message when an item is not a name. */
  names(key: string, hint?: string): string[];
  /** A list of names, or `'*'` when the value is a lone `*` (every column). */
  namesOrStar(key: string): string[] | '*';
  /** A whole number >= 0, or undefined when not written. */
  wholeNumber(key: string): number | undefined;
  /** true/false, or undefined when not written. */
  boolean(key: string): boolean | undefined;
  /** `ds` or SQLMesh's `(ds, '%Y-%m-%d')`: a column and the format its values are written in. */
  columnWithFormat(key: string): { column: string; format?: string };
  /**
   * `(name = value, ...)`: each value as text (a string's content, a name, a number,
   * true/false) or a list of them; `fail` points at the entry.
   */
  settings(key: string): { values: Record<string, string | string[]>; fail(message: string, name: string): never };
  /** Bad input at the argument `key` (or the kind itself). */
  fail(message: string, key?: string): never;
}

/** A column a kind's arguments name (time_column, unique_key), checked against the query's output. */
export interface KindColumn {
  property: string;
  name: string;
}

/** One batch: the query runs for [start, end); `intervals` are recorded once it lands. */
export interface KindBatch extends Interval {
  intervals: Interval[];
}

/** What forming a version's batches needs besides the missing intervals. */
export interface BatchPlanInput {
  schedule: CronSchedule;
  /** The model's start (epoch ms), if it has one. */
  start: number | undefined;
}

/** What creating a version's physical object needs. */
export interface CreateContext<K extends ModelKind> {
  kind: K;
  table: TableName;
  ops: PhysicalOps;
  /** The query rendered for a whole refresh (from start to the last complete day). */
  query(): string;
  /** A SEED's file, absolute. */
  seedFile?: string;
  columns?: { name: string; type: string }[];
}

/** What landing one batch in the version's existing table needs. */
export interface BatchContext<K extends ModelKind> {
  kind: K;
  table: TableName;
  ops: PhysicalOps;
  batch: KindBatch;
  /** The query rendered for the batch's range. */
  query: string;
  /** When the batch runs (history-keeping kinds stamp rows with it). */
  execution: Date;
  /** The table's columns, inserted by name. */
  columns: readonly string[];
  /** Whether to return the rows written. */
  count: boolean;
  /** A column named in the kind's arguments, checked to be a safe identifier. */
  column(name: string, property: string): string;
}

/**
 * A project file a kind loads instead of a query (SEED's CSV). Its path, relative to the
 * model file, is resolved once when the project loads (variables, `$root/`) and written
 * back into the kind, so environments reading different files get different versions; the
 * file's content is hashed into the version as well (`seedHash`).
 */
export interface KindDataFile<K extends ModelKind> {
  /** The path in the kind, relative to the model file. */
  path(kind: K): string;
  /** The kind with its path resolved. */
  withPath(kind: K, path: string): K;
  /** How the file is read (SEED's csv_settings), so a malformed file is refused when the project loads. */
  csvSettings?(kind: K): CsvSettings | undefined;
}

/** How a kind that tracks intervals computes them. */
export interface IntervalStrategy<K extends ModelKind> {
  /** Intervals before each missing range to compute again (late data). */
  lookback(kind: K): number | undefined;
  /** The batches for `missing` (merged, cron-aligned ranges), in order. */
  batches(kind: K, missing: readonly Interval[], input: BatchPlanInput): KindBatch[];
  /** Writes one batch into the existing table; run inside a transaction. Returns rows written when asked. */
  land(ctx: BatchContext<K>): Promise<number | undefined>;
  /**
   * A new table whose only batch covers everything may be built in one CREATE TABLE AS
   * (FULL): cheaper than an empty table and an insert.
   */
  buildsWholeInOneStatement: boolean;
  /** `--restate-model`: the restated intervals are forgotten and computed again in place. */
  restatable: boolean;
}

/**
 * What one model kind means, in one object: which header arguments it takes, what
 * physical object it has, whether and how it tracks intervals, how a batch lands, and
 * what a forward-only change does to it. The planner and evaluator ask the strategy;
 * they never branch on a kind's name. A kind is one file and one row in `registry.ts`.
 */
export interface KindStrategy<K extends ModelKind = ModelKind> {
  readonly name: K['name'];
  /**
   * Arguments inside `kind NAME (...)`; `model`: MODEL properties the kind reads as well
   * (INCREMENTAL_BY_PARTITION's partitioned_by), handed to `parse` with the arguments.
   */
  readonly properties: { readonly required: readonly string[]; readonly optional: readonly string[]; readonly model?: readonly string[] };
  /** The kind from its arguments (already checked against `properties`). */
  parse(args: KindArgs): K;
  /** Whether a query follows the header (SEED and EXTERNAL have none). */
  readonly hasQuery: boolean;
  /** The project file the kind loads (SEED), if any. */
  readonly dataFile?: KindDataFile<K>;
  /**
   * The table's columns are the model's declared `columns` (SEED): there is no query output
   * to check them against, and a grain or a child names those.
   */
  readonly columnsDeclared?: boolean;
  /** The object in the physical layer, or null (EMBEDDED, EXTERNAL): null also means no environment view. */
  readonly physical: 'table' | 'view' | null;
  /**
   * How a child's query reads this model: its physical object, inlined as a subquery
   * (EMBEDDED), or the table as written (EXTERNAL).
   */
  readonly reference: 'physical' | 'inline' | 'as-written';
  /**
   * The physical object names its parents' physical tables (a VIEW): a new parent version
   * needs a new version of it, even when the change is non-breaking.
   */
  readonly bindsParents: boolean;
  /** A forward-only change keeps the existing table and ALTERs its columns in place; otherwise it builds a new one. */
  readonly forwardOnlyKeepsTable: boolean;
  /** Changes are forward-only unless the model says `forward_only false` (SQLMesh: SCD Type 2, unmanaged). */
  readonly forwardOnlyByDefault?: boolean;
  /**
   * Columns the table has beyond the query's, typed (SCD Type 2's validity columns): the
   * strategy creates its table with them, a grain or a child may name them, and a
   * forward-only change compares the kept table with the query's columns plus these.
   */
  managedColumns?(kind: K): { name: string; type: string }[];
  /**
   * The query may read the model's own table (its rows from earlier runs), as SQLMesh
   * allows for incremental kinds; the table is then created from the declared columns.
   */
  readonly readsItself?: boolean;
  /** Null: built once per version, never computed by interval. */
  readonly intervals: IntervalStrategy<K> | null;
  /** Columns the kind's arguments name, to check against the query's output. */
  headerColumns(kind: K): KindColumn[];
  /**
   * The partition key of the table from the MODEL's `partitioned_by` as written, where the
   * kind adds to it (INCREMENTAL_BY_TIME_RANGE: its time column first, as SQLMesh's
   * `partition_by_time_column` does); the written columns otherwise.
   */
  partitionKey?(kind: K, written: readonly string[]): string[];
  /** Creates the version's physical object: the whole object, or an empty table when it tracks intervals. */
  create(ctx: CreateContext<K>): Promise<void>;
}

/** The strategy of each kind, by name: a registry row per kind. */
export type KindRegistry = { readonly [N in KindName]: KindStrategy<Extract<ModelKind, { name: N }>> };
