import type { CsvSettings } from '../util/csv.js';
import type { Kysely } from 'kysely';
import type { Dialect } from '../config/types.js';
import type { TableName } from '../util/identifiers.js';
import type { StorageParameter } from '../util/storage-parameters.js';
import type { PhysicalOps } from './physical-ops.js';
import type { TransactionOptions } from './transactions.js';

/** What differs between engines, so callers branch on a flag, not on an engine name. */
export interface EngineCapabilities {
  /** DDL can run inside a transaction and roll back with it (DuckDB, PostgreSQL). */
  transactionalDdl: boolean;
  /** `CREATE OR REPLACE VIEW` may drop, rename or retype columns (PostgreSQL: no). */
  replaceViewChangesColumns: boolean;
  /** A nested transaction can run under a savepoint (PostgreSQL; DuckDB has none and refuses). */
  savepoints: boolean;
  /**
   * `createTableAs` replaces a table already there (DuckDB's CREATE OR REPLACE); PostgreSQL
   * keeps it (a table another process completed), so a leftover must be dropped first.
   */
  createReplacesTable: boolean;
}

/**
 * How a model's table is laid out beyond its columns, on engines that honour it
 * (PostgreSQL: MODEL partitioned_by, physical_properties). Names and values arrive
 * checked (model/table-layout.ts); the adapter quotes them.
 */
export interface TableLayout {
  /** The columns of a RANGE partition key; empty: not partitioned. */
  partitionBy: readonly string[];
  /** Table storage parameters (WITH (...)). */
  storage: readonly StorageParameter[];
}

export type Row = Record<string, unknown>;

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Row[];
}

export type ObjectType = 'table' | 'view';

/** A table or view as the catalog lists it; views carry their definition SQL. */
export interface CatalogObject {
  name: TableName;
  type: ObjectType;
  definition?: string;
}

/** A cross-process lock, released by `release()` or when the holding process dies. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Named locks between processes (PostgreSQL: advisory locks on one connection of the
 * engine's own, so a killed holder's locks go with its connection). `label` says who holds a lock.
 */
export interface EngineLocks {
  /** Takes `key` without waiting; when another process holds it, says who (its label, if known). */
  tryLock(key: string, label: string): Promise<{ lock: HeldLock } | { heldBy: string | null }>;
  /** Waits for `key`; `shared`: held by many at once, excluding only the exclusive holder. */
  lock(key: string, label: string, options?: { shared?: boolean }): Promise<HeldLock>;
  /**
   * Waits for every one of `keys` (exclusive), taken in one fixed order whoever asks, so two
   * holders of overlapping sets never wait on each other in a cycle; released together.
   */
  lockAll(keys: readonly string[], label: string): Promise<HeldLock>;
}

/**
 * One warehouse connection. All names arrive as validated `TableName`s and are quoted by
 * the adapter through the identifier helper; SQL bodies (model queries) arrive rendered.
 * @example await engine.createTableAs({ schema: 's', table: 't' }, 'SELECT 1 AS a')
 */
export interface EngineAdapter {
  readonly dialect: Dialect;
  readonly capabilities: EngineCapabilities;
  /** A short description for messages: file path or host/port/database, never a password. */
  readonly description: string;

  execute(sql: string): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /**
   * Runs `fn` in one transaction; statements issued in its async scope, through this
   * adapter or its kysely, join it. Nesting, savepoints, options and rollback failures
   * behave the same on every engine: see `TransactionOptions` (engine/transactions.ts).
   */
  transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `fn` where nothing can change the database, for user SQL that only reads
   * (`table-diff --where`, `fetchdf`): PostgreSQL in a READ ONLY transaction, one statement
   * per call; DuckDB only SELECT statements, in a transaction that is rolled back.
   */
  readOnly<T>(fn: () => Promise<T>): Promise<T>;

  /**
   * Runs `fn` with a time limit on its statements (a build's `policies.maxBuildMinutes`):
   * PostgreSQL sets statement_timeout in every transaction `fn` runs in or opens; DuckDB
   * interrupts the connection once `ms` have passed and refuses `fn`'s later statements.
   * A statement past the limit fails with an EngineError of code 'statement_timeout'.
   */
  withStatementTimeout<T>(ms: number, fn: () => Promise<T>): Promise<T>;

  createSchema(schema: string): Promise<void>;
  dropSchemaIfEmpty(schema: string): Promise<boolean>;
  /** Creates `name` from `query`, replacing a leftover of a killed run; `layout` on engines that honour one. */
  createTableAs(name: TableName, query: string, layout?: TableLayout): Promise<void>;
  createView(name: TableName, query: string): Promise<void>;
  /**
   * Inside a promotion's transaction, takes every lock the view swaps need in one
   * statement, before any of them changes: a reader then never finds the promotion
   * holding some views while it waits for others (engines without lock waits skip it).
   */
  lockViews?(names: TableName[]): Promise<void>;
  /**
   * Inside a transaction, takes the name locks of objects it is about to create, all at once
   * and in one fixed order, until it ends; its creates of them then take no lock of their own
   * (PostgreSQL; engines where one process holds the database skip it).
   */
  lockNames?(names: readonly TableName[]): Promise<void>;
  /**
   * Views that depend on `table` and block dropping or retyping its columns (PostgreSQL
   * tracks them; DuckDB binds views when queried and needs nothing).
   */
  dependentViews?(table: TableName): Promise<TableName[]>;
  /**
   * The layout `table` was created with (PostgreSQL: its partition key and storage
   * parameters), undefined when there is no such table; engines without layouts omit it.
   */
  readLayout?(table: TableName): Promise<TableLayout | undefined>;
  /** Points a view at a table; must keep working when the column list changes. */
  replaceView(name: TableName, query: string): Promise<void>;
  dropView(name: TableName): Promise<void>;
  dropTable(name: TableName): Promise<void>;
  objectType(name: TableName): Promise<ObjectType | undefined>;
  /** Loads a CSV file into a new table; column types come from `columns` or are inferred. */
  /** `csv`: the seed's csv_settings, when the model gives them. */
  loadCsv(name: TableName, file: string, columns?: { name: string; type: string }[], csv?: CsvSettings, layout?: TableLayout): Promise<void>;
  columns(name: TableName): Promise<{ name: string; type: string }[]>;
  /** The definition SQL of a view, to check what it points at. */
  viewDefinition(name: TableName): Promise<string | undefined>;
  /**
   * Every table and view of these schemas (all user schemas when omitted), in one catalog
   * query, so checks over thousands of objects do not query one by one.
   */
  listObjects(schemas?: readonly string[]): Promise<CatalogObject[]>;

  /**
   * Locks between processes, or undefined when the engine itself admits one process at a
   * time (DuckDB locks its file for the process that opened it).
   */
  readonly locks?: EngineLocks;

  /** The planner's operations on physical objects (create, replace rows, merge, point views), as this engine's SQL. */
  readonly ops: PhysicalOps;

  /** A kysely instance over this same connection, for the state store. */
  kysely(): Kysely<any>;
  close(): Promise<void>;
}
