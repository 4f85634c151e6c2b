import { Kysely } from 'kysely';
import type { PostgresGatewayConfig } from '../../config/types.js';
import { quoteIdent, quoteTable, type TableName } from '../../util/identifiers.js';
import type { CatalogObject, EngineAdapter, EngineCapabilities, ObjectType, QueryResult, TableLayout } from '../engine-adapter.js';
import { physicalOps, type PhysicalOps } from '../physical-ops.js';
import type { TransactionOptions } from '../transactions.js';
import { AdvisoryLocks, advisoryKey } from './advisory-lock.js';
import { DEFAULT_LOCK_TIMEOUT_MS, postgresSettings } from './config.js';
import { PostgresSession, sqlState } from './connection.js';
import { postgresKyselyDialect } from './kysely-dialect.js';
import { insertSeedRows, readSeedFile, seedColumnDefs } from '../seed-file.js';
import type { CsvSettings } from '../../util/csv.js';
import { createTableAsWithLayout, layoutDdl, readTableLayout } from './table-layout.js';

/** PostgreSQL refuses `CREATE OR REPLACE VIEW` that drops, renames or retypes a column with these. */
const VIEW_SHAPE_CHANGED = new Set(['42P16', '42804']);
/** Bind parameters per INSERT stay well under PostgreSQL's 65,535. */

const RELATIONS = `FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace`;

/**
 * The PostgreSQL engine: a pool of connections, transactional DDL, advisory locks.
 * Physical objects are built under a transaction-scoped lock on their name, so two applies
 * (of different environments) needing the same new table never build it at once; and
 * since CREATE TABLE AS commits whole, an existing physical table is complete and is kept.
 * @example const engine = await PostgresAdapter.open({ type: 'postgres', url: process.env.PLANNER_PG_URL })
 */
export class PostgresAdapter implements EngineAdapter {
  readonly dialect = 'postgres' as const;
  readonly capabilities: EngineCapabilities = { transactionalDdl: true, replaceViewChangesColumns: false, savepoints: true, createReplacesTable: false };
  readonly locks: AdvisoryLocks;
  readonly ops: PhysicalOps = physicalOps(this);
  private db?: Kysely<any>;

  private constructor(
    private readonly session: PostgresSession,
    /** How long `transaction()` (promotions) keeps trying for its locks before it fails. */
    private readonly lockTimeoutMs: number,
  ) {
    this.locks = new AdvisoryLocks(session.settings);
  }

  static async open(gateway: PostgresGatewayConfig): Promise<PostgresAdapter> {
    const session = await PostgresSession.open(postgresSettings(gateway));
    try {
      // A lock_timeout the server, role or URL sets wins; 0 (wait forever) gets ours.
      const { rows } = await session.run(`SELECT setting FROM pg_settings WHERE name = 'lock_timeout'`);
      const configured = Number(rows[0]?.setting ?? 0);
      return new PostgresAdapter(session, configured > 0 ? configured : DEFAULT_LOCK_TIMEOUT_MS);
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  get description(): string {
    return this.session.settings.description;
  }

  async execute(sql: string): Promise<void> {
    await this.session.run(sql);
  }

  query(sql: string, params: unknown[] = []): Promise<QueryResult> {
    return this.session.run(sql, params);
  }

  /**
   * One transaction (a promotion and its state record), by the contract of
   * engine/transactions.ts. Unless given a lock timeout, an outermost one retries lock
   * waits rather than queueing, for up to lock_timeout: a long reader makes it fail and roll back.
   */
  transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const outermost = !this.session.currentClient() && options.lockTimeoutMs === undefined;
    return this.session.transaction(fn, outermost ? { ...options, retryLocksForMs: this.lockTimeoutMs } : options);
  }

  /** See EngineAdapter.withStatementTimeout: statement_timeout, local to each transaction. */
  withStatementTimeout<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    return this.session.withStatementTimeout(ms, fn);
  }

  /** A READ ONLY transaction (see EngineAdapter.readOnly). */
  readOnly<T>(fn: () => Promise<T>): Promise<T> {
    return this.session.transaction(fn, { readOnly: true });
  }

  async createSchema(schema: string): Promise<void> {
    if (await this.schemaExists(schema)) return;
    // Concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog's unique index.
    await this.underNameLock(`schema ${schema}`, () => this.execute(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`));
  }

  async dropSchemaIfEmpty(schema: string): Promise<boolean> {
    const { rows } = await this.query(
      `SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = n.oid) + (SELECT count(*) FROM pg_proc WHERE pronamespace = n.oid)
            + (SELECT count(*) FROM pg_type WHERE typnamespace = n.oid AND typtype <> 'c' AND typelem = 0) AS n
         FROM pg_namespace AS n WHERE n.nspname = $1`,
      [schema],
    );
    if (!rows.length || Number(rows[0].n) > 0) return false;
    // Never CASCADE: an object created in between makes this fail instead of vanishing.
    return this.tolerate(['2BP01'], `DROP SCHEMA ${quoteIdent(schema)}`);
  }

  async createTableAs(name: TableName, query: string, layout?: TableLayout): Promise<void> {
    const create = async () => {
      for (const sql of layout ? createTableAsWithLayout(name, query, layout) : [`CREATE TABLE ${quoteTable(name)} AS ${query}`]) await this.execute(sql);
    };
    const held = this.session.heldNames()?.get(quoteTable(name));
    if (held !== undefined) {
      if (!held) await this.createHeld(name, create);
      return;
    }
    await this.underNameLock(`relation ${quoteTable(name)}`, async () => {
      if (await this.objectType(name)) return;
      await create();
    });
  }

  async createView(name: TableName, query: string): Promise<void> {
    const held = this.session.heldNames()?.get(quoteTable(name));
    if (held === false) return this.createHeld(name, `CREATE VIEW ${quoteTable(name)} AS ${query}`);
    if (held) return this.replaceView(name, query);
    await this.underNameLock(`relation ${quoteTable(name)}`, () => this.replaceView(name, query));
  }

  /**
   * Takes the name locks of these objects for the rest of the enclosing transaction, in one
   * statement and in the order of their keys (so two transactions locking overlapping sets
   * never wait on each other in a cycle), then reads which of them exist, in one query. The
   * transaction's later creates and drops of these names take no lock of their own and skip
   * the catalog check: a group of builds pays two round trips instead of two per object.
   */
  async lockNames(names: readonly TableName[]): Promise<void> {
    const held = this.session.heldNames();
    if (!held) throw new Error('lockNames runs inside a transaction');
    const wanted = new Map<string, TableName>();
    for (const name of names) if (!held.has(quoteTable(name))) wanted.set(quoteTable(name), name);
    if (!wanted.size) return;
    const keys = [...wanted.keys()].map((q) => BigInt(this.nameKey(`relation ${q}`))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await this.session.transaction(() => this.query('SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k', [keys.map(String)]), {
      lockTimeoutMs: 0,
    });
    // A statement of its own: one that waited for the locks would read the catalog as it was before.
    const targets = [...wanted.values()];
    const { rows } = await this.query(
      `SELECT n.nspname AS schema, c.relname AS table ${RELATIONS} WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [targets.map((t) => t.schema), targets.map((t) => t.table)],
    );
    const existing = new Set(rows.map((r) => quoteTable({ schema: String(r.schema), table: String(r.table) })));
    for (const key of wanted.keys()) held.set(key, existing.has(key));
  }

  /**
   * Points a view at a new query. `CREATE OR REPLACE VIEW` cannot drop, rename or retype
   * columns: then the view is dropped and created again, in the same transaction, so
   * readers see the old view or the new one. Dependent objects make the drop fail (no
   * CASCADE) and roll everything back.
   */
  async replaceView(name: TableName, query: string): Promise<void> {
    if (await this.tolerate([...VIEW_SHAPE_CHANGED], `CREATE OR REPLACE VIEW ${quoteTable(name)} AS ${query}`)) return;
    await this.transaction(async () => {
      await this.execute(`DROP VIEW ${quoteTable(name)}`);
      await this.execute(`CREATE VIEW ${quoteTable(name)} AS ${query}`);
    });
  }

  readLayout(table: TableName): Promise<TableLayout | undefined> {
    return readTableLayout((sql, params) => this.query(sql, params), table);
  }

  async dependentViews(table: TableName): Promise<TableName[]> {
    const { rows } = await this.query(
      `SELECT DISTINCT vn.nspname AS schema, v.relname AS table
         FROM pg_depend d
         JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
         JOIN pg_class v ON v.oid = r.ev_class
         JOIN pg_namespace vn ON vn.oid = v.relnamespace
         JOIN pg_class t ON t.oid = d.refobjid
         JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE tn.nspname = $1 AND t.relname = $2 AND v.oid <> t.oid
        ORDER BY 1, 2`,
      [table.schema, table.table],
    );
    return rows.map((r) => ({ schema: String(r.schema), table: String(r.table) }));
  }

  async lockViews(names: TableName[]): Promise<void> {
    if (!names.length) return;
    const { rows } = await this.query(
      `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'v' AND (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [names.map((n) => n.schema), names.map((n) => n.table)],
    );
    if (!rows.length) return;
    const existing = rows.map((r) => ({ schema: String(r.schema), table: String(r.table) }));
    existing.sort((a, b) => `${a.schema}.${a.table}`.localeCompare(`${b.schema}.${b.table}`));
    // Not LOCK TABLE: on a view it also locks every table the view reads, and a dev
    // promotion would then wait on prod's readers of shared tables. ALTER VIEW locks only
    // the view; all of them go in one round trip, so no reader slips in between.
    // (One DO statement; validated names cannot contain its $planner$ quote.)
    await this.execute(`DO $planner$ BEGIN ${existing.map((v) => `ALTER VIEW ${quoteTable(v)} OWNER TO CURRENT_USER;`).join(' ')} END $planner$`);
  }

  async dropView(name: TableName): Promise<void> {
    await this.execute(`DROP VIEW IF EXISTS ${quoteTable(name)}`);
  }

  async dropTable(name: TableName): Promise<void> {
    const held = this.session.heldNames();
    if (held?.get(quoteTable(name)) === false) return;
    await this.execute(`DROP TABLE IF EXISTS ${quoteTable(name)}`);
    if (held?.has(quoteTable(name))) held.set(quoteTable(name), false);
  }

  async objectType(name: TableName): Promise<ObjectType | undefined> {
    const { rows } = await this.query(`SELECT c.relkind ${RELATIONS} WHERE n.nspname = $1 AND c.relname = $2`, [name.schema, name.table]);
    if (!rows.length) return undefined;
    return kindOf(String(rows[0].relkind));
  }

  /**
   * Loads a seed with batched, parameterized INSERTs in the transaction that creates the
   * table, so a killed load leaves no table at all. Values arrive as text and the server
   * casts them to the column types.
   */
  async loadCsv(name: TableName, file: string, columns?: { name: string; type: string }[], csv?: CsvSettings, layout?: TableLayout): Promise<void> {
    const seed = readSeedFile(file, columns, csv);
    const load = async () => {
      const ddl = layout ? layoutDdl(name, layout) : { suffix: '', after: [] };
      for (const sql of [`CREATE TABLE ${quoteTable(name)} (${seedColumnDefs(seed)}) ${ddl.suffix}`.trimEnd(), ...ddl.after]) await this.execute(sql);
      await insertSeedRows((sql, params) => this.query(sql, params), name, seed);
    };
    const held = this.session.heldNames()?.get(quoteTable(name));
    if (held !== undefined) {
      if (!held) await this.createHeld(name, load);
      return;
    }
    await this.underNameLock(`relation ${quoteTable(name)}`, async () => {
      if (await this.objectType(name)) return;
      await load();
    });
  }

  async columns(name: TableName): Promise<{ name: string; type: string }[]> {
    const { rows } = await this.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [name.schema, name.table],
    );
    return rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
  }

  async viewDefinition(name: TableName): Promise<string | undefined> {
    const { rows } = await this.query(`SELECT pg_get_viewdef(c.oid, true) AS sql ${RELATIONS} WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('v', 'm')`, [
      name.schema,
      name.table,
    ]);
    return rows.length ? String(rows[0].sql) : undefined;
  }

  async listObjects(schemas?: readonly string[]): Promise<CatalogObject[]> {
    if (schemas && !schemas.length) return [];
    const { rows } = await this.query(
      `SELECT n.nspname AS schema_name, c.relname AS name, c.relkind,
              CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition
         ${RELATIONS}
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
          AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
        ORDER BY 1, 2`,
      [schemas ? [...schemas] : null],
    );
    return rows.map((r) => ({
      name: { schema: String(r.schema_name), table: String(r.name) },
      type: kindOf(String(r.relkind)),
      ...(r.definition == null ? {} : { definition: String(r.definition) }),
    }));
  }

  kysely(): Kysely<any> {
    this.db ??= new Kysely<any>({ dialect: postgresKyselyDialect(this.session) });
    return this.db;
  }

  async close(): Promise<void> {
    await this.locks.close();
    await this.session.close();
  }

  private async schemaExists(schema: string): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).rows.length > 0;
  }

  /** Creates an object whose name lock this transaction holds (`lockNames`) and knows absent. */
  private async createHeld(name: TableName, create: string | (() => Promise<void>)): Promise<void> {
    if (typeof create === 'string') await this.execute(create);
    else await create();
    this.session.heldNames()?.set(quoteTable(name), true);
  }

  /** The advisory key of a name lock: per database, as objects are. */
  private nameKey(name: string): string {
    return advisoryKey(`${this.session.settings.database}\0${name}`).key;
  }

  /**
   * Runs `fn` in a transaction holding a lock on `name` until it commits, so processes
   * creating the same object take turns (waiting as long as a build takes: no lock_timeout).
   */
  private underNameLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const key = this.nameKey(name);
    return this.session.transaction(
      async () => {
        await this.query('SELECT pg_advisory_xact_lock($1::bigint)', [key]);
        return fn();
      },
      { lockTimeoutMs: 0 },
    );
  }

  /**
   * Runs one statement under a savepoint: true when it succeeded; false when it failed with
   * one of `codes`, after undoing just that part so the enclosing transaction stays usable.
   * The savepoint, the statement and the release go in one round trip (a failure skips the
   * rest of the string); the newlines end a trailing line comment of the statement.
   */
  private tolerate(codes: string[], sql: string): Promise<boolean> {
    return this.transaction(async () => {
      try {
        await this.execute(`SAVEPOINT planner_try;\n${sql}\n;RELEASE SAVEPOINT planner_try`);
        return true;
      } catch (err) {
        if (!codes.includes(sqlState(err) ?? '')) throw err;
        this.session.forgetNames();
        await this.execute('ROLLBACK TO SAVEPOINT planner_try');
        await this.execute('RELEASE SAVEPOINT planner_try');
        return false;
      }
    });
  }
}

function kindOf(relkind: string): ObjectType {
  return relkind === 'v' || relkind === 'm' ? 'view' : 'table';
}
