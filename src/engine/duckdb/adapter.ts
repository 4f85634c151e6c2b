import { insertSeedRows, readSeedFile, seedColumnDefs } from '../seed-file.js';
import type { CsvSettings } from '../../util/csv.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely } from 'kysely';
import { validateColumnType } from '../../util/column-types.js';
import type { CatalogObject, EngineAdapter, EngineCapabilities, ObjectType, QueryResult } from '../engine-adapter.js';
import { quoteIdent, quoteLiteral, quoteTable, validateIdentifier, type TableName } from '../../util/identifiers.js';
import { physicalOps, type PhysicalOps } from '../physical-ops.js';
import { refuseSavepoint, rollbackFailed, type TransactionOptions } from '../transactions.js';
import { DuckDBSession } from './connection.js';
import { EngineError } from '../../errors.js';
import { duckdbKyselyDialect } from './kysely-dialect.js';

/** The embedded DuckDB engine: one file, one connection, transactional DDL. */
export class DuckDBAdapter implements EngineAdapter {
  readonly dialect = 'duckdb' as const;
  readonly capabilities: EngineCapabilities = { transactionalDdl: true, replaceViewChangesColumns: true, savepoints: false, createReplacesTable: true };
  readonly ops: PhysicalOps = physicalOps(this);
  /** Set in the async scope of the open transaction: calls made there join it. */
  private readonly scope = new AsyncLocalStorage<true>();
  /** The one connection holds one transaction at a time: a second outermost caller waits its turn. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Inside `readOnly`: every statement must be a SELECT. */
  private readOnlyDepth = 0;
  private db?: Kysely<any>;

  private constructor(private readonly session: DuckDBSession) {}

  static async open(path: string): Promise<DuckDBAdapter> {
    return new DuckDBAdapter(await DuckDBSession.open(path));
  }

  get description(): string {
    return `duckdb ${this.session.path}`;
  }

  async execute(sql: string): Promise<void> {
    await this.query(sql);
  }

  query(sql: string, params: unknown[] = []): Promise<QueryResult> {
    const deadline = this.deadlines.getStore();
    // Checked when the statement's turn comes: the timer's interrupt only stops a running
    // statement, so one queued when it fired must not start at all.
    const before = deadline && (() => {
      if (deadline.passed) throw timedOut(deadline.ms);
    });
    return this.readOnlyDepth ? this.session.runSelect(sql, params, before) : this.session.run(sql, params, before);
  }

  /**
   * See EngineAdapter.withStatementTimeout. DuckDB has no statement timeout: a timer
   * interrupts the connection once `ms` have passed, and `fn`'s later statements are refused.
   * The one connection runs one statement at a time, so what it interrupts is `fn`'s.
   */
  async withStatementTimeout<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    const deadline = { ms, passed: false };
    let repeat: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      deadline.passed = true;
      this.session.interrupt();
      // A statement handed to DuckDB but not yet started in its thread misses an interrupt:
      // repeat it while that same statement runs (never one begun later, such as a ROLLBACK).
      const target = this.session.runningStatement();
      if (target === undefined) return;
      repeat = setInterval(() => {
        if (this.session.runningStatement() === target) this.session.interrupt();
        else clearInterval(repeat);
      }, 25);
    }, ms);
    try {
      return await this.deadlines.run(deadline, fn);
    } catch (err) {
      if (deadline.passed && !(err instanceof EngineError && err.code === 'statement_timeout')) throw timedOut(ms, err);
      throw err;
    } finally {
      clearTimeout(timer);
      clearInterval(repeat);
    }
  }
  private readonly deadlines = new AsyncLocalStorage<{ ms: number; passed: boolean }>();

  /** SELECTs only, in a transaction that is always rolled back (see EngineAdapter.readOnly). */
  async readOnly<T>(fn: () => Promise<T>): Promise<T> {
    if (this.scope.getStore()) throw new Error('readOnly cannot start inside a transaction');
    return this.inTurn(async () => {
      await this.session.run('BEGIN TRANSACTION');
      this.readOnlyDepth++;
      try {
        return await fn();
      } finally {
        this.readOnlyDepth--;
        await this.session.run('ROLLBACK');
      }
    });
  }

  /** The contract of engine/transactions.ts; DuckDB has no savepoints and never waits for locks, so `lockTimeoutMs` changes nothing. */
  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.scope.getStore()) {
      if (options.savepoint) refuseSavepoint('DuckDB');
      return fn();
    }
    return this.inTurn(() => this.outermost(fn));
  }

  /** Runs `fn` as the connection's one open transaction, in its own async scope. */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(() => this.scope.run(true, fn));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async outermost<T>(fn: () => Promise<T>): Promise<T> {
    await this.session.run('BEGIN TRANSACTION');
    try {
      const result = await fn();
      await this.session.run('COMMIT');
      return result;
    } catch (err) {
      try {
        await this.session.run('ROLLBACK');
      } catch (rollbackError) {
        throw rollbackFailed(err, rollbackError);
      }
      throw err;
    }
  }

  async createSchema(schema: string): Promise<void> {
    await this.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  }

  async dropSchemaIfEmpty(schema: string): Promise<boolean> {
    const { rows } = await this.query(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1`,
      [schema],
    );
    const exists = await this.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [schema]);
    if (Number(rows[0].n) > 0 || exists.rows.length === 0) return false;
    await this.execute(`DROP SCHEMA ${quoteIdent(schema)}`);
    return true;
  }

  async createTableAs(name: TableName, query: string): Promise<void> {
    // CREATE OR REPLACE is atomic in DuckDB: a leftover of a killed run is replaced whole.
    await this.execute(`CREATE OR REPLACE TABLE ${quoteTable(name)} AS ${query}`);
  }

  async createView(name: TableName, query: string): Promise<void> {
    await this.execute(`CREATE OR REPLACE VIEW ${quoteTable(name)} AS ${query}`);
  }

  replaceView(name: TableName, query: string): Promise<void> {
    return this.createView(name, query);
  }

  async dropView(name: TableName): Promise<void> {
    await this.execute(`DROP VIEW IF EXISTS ${quoteTable(name)}`);
  }

  async dropTable(name: TableName): Promise<void> {
    await this.execute(`DROP TABLE IF EXISTS ${quoteTable(name)}`);
  }

  async objectType(name: TableName): Promise<ObjectType | undefined> {
    const { rows } = await this.query(
      `SELECT table_type FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2`,
      [name.schema, name.table],
    );
    if (!rows.length) return undefined;
    return rows[0].table_type === 'VIEW' ? 'view' : 'table';
  }

  async loadCsv(name: TableName, file: string, columns?: { name: string; type: string }[], csv?: CsvSettings): Promise<void> {
    if (csv) {
      // DuckDB's reader has no counterpart for every csv_settings option: planner's parser reads the file.
      const seed = readSeedFile(file, columns, csv);
      await this.transaction(async () => {
        await this.execute(`CREATE OR REPLACE TABLE ${quoteTable(name)} (${seedColumnDefs(seed)})`);
        await insertSeedRows((sql, params) => this.query(sql, params), name, seed);
      });
      return;
    }
    if (!columns?.length) {
      await this.execute(`CREATE OR REPLACE TABLE ${quoteTable(name)} AS SELECT * FROM read_csv(${quoteLiteral(file)}, header = true)`);
      return;
    }
    const defs = columns.map((c) => `${quoteIdent(validateIdentifier(c.name, 'column'))} ${validateColumnType(c.type, c.name)}`);
    await this.transaction(async () => {
      await this.execute(`CREATE OR REPLACE TABLE ${quoteTable(name)} (${defs.join(', ')})`);
      await this.execute(`COPY ${quoteTable(name)} FROM ${quoteLiteral(file)} (HEADER true)`);
    });
  }

  async columns(name: TableName): Promise<{ name: string; type: string }[]> {
    const { rows } = await this.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [name.schema, name.table],
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }

  async viewDefinition(name: TableName): Promise<string | undefined> {
    const { rows } = await this.query(`SELECT sql FROM duckdb_views() WHERE schema_name = $1 AND view_name = $2`, [name.schema, name.table]);
    return rows.length ? String(rows[0].sql) : undefined;
  }

  async listObjects(schemas?: readonly string[]): Promise<CatalogObject[]> {
    if (schemas && !schemas.length) return [];
    const filter = schemas ? `AND schema_name IN (${schemas.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const { rows } = await this.query(
      `SELECT schema_name, table_name AS name, 'table' AS type, NULL AS definition FROM duckdb_tables()
         WHERE NOT internal AND NOT temporary AND database_name = current_database() ${filter}
       UNION ALL
       SELECT schema_name, view_name, 'view', sql FROM duckdb_views()
         WHERE NOT internal AND NOT temporary AND database_name = current_database() ${filter}`,
      [...(schemas ?? [])],
    );
    return rows.map((r) => ({
      name: { schema: String(r.schema_name), table: String(r.name) },
      type: r.type === 'view' ? 'view' : 'table',
      ...(r.definition == null ? {} : { definition: String(r.definition) }),
    }));
  }

  kysely(): Kysely<any> {
    this.db ??= new Kysely<any>({ dialect: duckdbKyselyDialect(this.session) });
    return this.db;
  }

  async close(): Promise<void> {
    this.session.close();
  }
}

function timedOut(ms: number, cause?: unknown): EngineError {
  return new EngineError(`a statement ran past the limit of ${ms}ms and was interrupted`, { cause, code: 'statement_timeout' });
}
