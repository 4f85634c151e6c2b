import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { EngineError, PlannerError } from '../../errors.js';
import { redact } from '../../util/secrets.js';
import type { QueryResult, Row } from '../engine-adapter.js';
import type { PostgresSettings } from './config.js';
import { rollbackFailed, type TransactionOptions } from '../transactions.js';

/** Type OIDs whose text form the session keeps or converts (see `types` below). */
const INT8 = 20;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/**
 * Results as the rest of the planner expects them from any engine: BIGINT as a number
 * when it fits exactly, dates and timestamps as the server wrote them (pg's default turns
 * a DATE into a local-time midnight, which shifts the day in some time zones).
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
    if (oid === DATE || oid === TIMESTAMP || oid === TIMESTAMPTZ) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Options of one transaction: the engines' shared ones (engine/transactions.ts), and PostgreSQL's own. */
export interface SessionTransactionOptions extends TransactionOptions {
  /**
   * Instead of waiting for locks, retry the whole body for up to this many milliseconds:
   * each attempt waits at most ATTEMPT_LOCK_WAIT_MS for any lock, and a failed attempt is
   * rolled back to a savepoint, releasing every lock it took, before the next one.
   */
  retryLocksForMs?: number;
  /**
   * A READ ONLY transaction, always rolled back, whose statements go one at a time through
   * the extended protocol, so a `COMMIT; ...` inside user SQL cannot end it and write after it.
   */
  readOnly?: boolean;
}

/**
 * Far below deadlock_timeout (1s): a promotion never holds some views' locks while
 * waiting long for another's, so a reader querying several views in one statement waits
 * briefly and never ends in a deadlock (which would abort the reader).
 */
const ATTEMPT_LOCK_WAIT_MS = 100;
/** SQLSTATEs of a lock wait that gave up: lock_not_available, deadlock_detected. */
const LOCK_GAVE_UP = new Set(['55P03', '40P01']);

/**
 * A pool of connections to one PostgreSQL database. A transaction pins ONE client and
 * makes it the client of every statement issued in its async scope (AsyncLocalStorage),
 * through the engine or through kysely, so a promotion and the state write recording it
 * commit together even though other work uses other pooled clients.
 */
export class PostgresSession {
  private readonly pinned = new AsyncLocalStorage<pg.PoolClient>();
  /** The statement_timeout (ms) that transactions opened in this async scope take. */
  private readonly timeouts = new AsyncLocalStorage<number>();
  /** Clients inside a read-only transaction (see SessionTransactionOptions.readOnly). */
  private readonly readOnlyClients = new WeakSet<pg.PoolClient>();
  /** Checked-out clients that have an 'error' listener of ours. */
  private readonly listened = new WeakSet<pg.PoolClient>();
  /**
   * Per open transaction (its client): the object names it holds a name lock on, each with
   * whether the object exists, as far as this transaction knows (PostgresAdapter.lockNames).
   */
  private readonly names = new WeakMap<pg.PoolClient, Map<string, boolean>>();

  private constructor(
    private readonly pool: pg.Pool,
    readonly settings: PostgresSettings,
  ) {}

  /** Opens the pool and checks the server answers, so a bad URL fails here with one clear error. */
  static async open(settings: PostgresSettings): Promise<PostgresSession> {
    const pool = new pg.Pool({ ...settings.connection, max: settings.poolSize, types });
    // An idle client that loses its server emits 'error'; without a listener that kills the process.
    pool.on('error', () => undefined);
    const session = new PostgresSession(pool, settings);
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw connectError(settings, err);
    }
    return session;
  }

  /** The client of the transaction this call runs in, if any. */
  currentClient(): pg.PoolClient | undefined {
    return this.pinned.getStore();
  }

  /**
   * The names the current transaction holds a name lock on (see `names`), or undefined
   * outside a transaction. What it knows holds until it ends or rolls back to a savepoint
   * (`forgetNames`), which also releases the locks taken since.
   */
  heldNames(): Map<string, boolean> | undefined {
    const client = this.pinned.getStore();
    if (!client) return undefined;
    let held = this.names.get(client);
    if (!held) this.names.set(client, (held = new Map()));
    return held;
  }

  /** After a rollback to a savepoint: its name locks and what it created or dropped are undone. */
  forgetNames(): void {
    const client = this.pinned.getStore();
    if (client) this.names.delete(client);
  }

  /** A pooled client for the caller to release. */
  async acquire(): Promise<pg.PoolClient> {
    try {
      const client = await this.pool.connect();
      // A connection the server ends while checked out also emits 'error': its query and
      // ROLLBACK already fail and say so, and an unheard event would kill the process.
      if (!this.listened.has(client)) {
        client.on('error', () => undefined);
        this.listened.add(client);
      }
      return client;
    } catch (err) {
      throw connectError(this.settings, err);
    }
  }

  async run(sql: string, params: unknown[] = []): Promise<QueryResult> {
    const client = this.pinned.getStore();
    try {
      const result = !client
        ? await this.pool.query(sql, params)
        : this.readOnlyClients.has(client)
          ? await client.query({ text: sql, values: params, queryMode: 'extended' } as pg.QueryConfig)
          : await client.query(sql, params);
      return toResult(result);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /**
   * Runs `fn` in one transaction on one pinned client. Inside an enclosing transaction it
   * simply joins it: the outermost one commits or rolls back everything.
   */
  async transaction<T>(fn: () => Promise<T>, options: SessionTransactionOptions = {}): Promise<T> {
    const pinned = this.pinned.getStore();
    if (pinned) return this.nested(pinned, fn, options);
    const client = await this.acquire();
    let broken: Error | undefined;
    try {
      await client.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      if (options.readOnly) this.readOnlyClients.add(client);
      if (options.lockTimeoutMs !== undefined) await setLockTimeout(client, options.lockTimeoutMs);
      const limit = this.timeouts.getStore();
      if (limit !== undefined) await setStatementTimeout(client, limit);
      const result = options.retryLocksForMs === undefined ? await this.pinned.run(client, fn) : await this.retrying(client, fn, options.retryLocksForMs);
      // A read-only transaction is rolled back: what some functions do despite READ ONLY (lo_import) is undone.
      await client.query(options.readOnly ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (err) {
      const failure = isDriverError(err) ? this.wrap(err) : err;
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
        throw rollbackFailed(failure, this.wrap(rollbackError));
      }
      throw failure;
    } finally {
      this.names.delete(client);
      // A client whose rollback failed has a broken connection: drop it instead of reusing it.
      client.release(broken);
    }
  }

  /**
   * Inside an enclosing transaction: joins it, under a savepoint when asked, with its own
   * lock_timeout for `fn` when given. Retrying lock waits concerns a whole transaction
   * and is refused here rather than dropped.
   */
  private async nested<T>(client: pg.PoolClient, fn: () => Promise<T>, options: SessionTransactionOptions): Promise<T> {
    if (options.retryLocksForMs !== undefined) {
      throw new EngineError('retrying lock waits applies to a whole transaction, not to one nested in another', { code: 'unsupported' });
    }
    if (options.readOnly) throw new EngineError('a read-only transaction cannot nest in another', { code: 'unsupported' });
    const body = options.lockTimeoutMs === undefined ? fn : () => this.withLockTimeout(client, options.lockTimeoutMs!, fn);
    if (!options.savepoint) return body();
    const name = `planner_sp_${++this.savepoints}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await body();
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      this.names.delete(client);
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      throw err;
    }
  }
  private savepoints = 0;

  /** `fn` with its own lock_timeout, the enclosing transaction's restored after it. */
  private async withLockTimeout<T>(client: pg.PoolClient, ms: number, fn: () => Promise<T>): Promise<T> {
    const before = String((await client.query(`SELECT current_setting('lock_timeout') AS v`)).rows[0].v);
    await setLockTimeout(client, ms);
    try {
      return await fn();
    } finally {
      // An aborted transaction takes no statement; the outer one rolls back anyway.
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [before]).catch((err: unknown) => {
        if (sqlState(err) !== '25P02') throw err;
      });
    }
  }

  private async retrying<T>(client: pg.PoolClient, fn: () => Promise<T>, budgetMs: number): Promise<T> {
    const deadline = Date.now() + budgetMs;
    for (let attempt = 1; ; attempt++) {
      await setLockTimeout(client, Math.max(1, Math.min(ATTEMPT_LOCK_WAIT_MS, deadline - Date.now())));
      await client.query('SAVEPOINT planner_attempt');
      try {
        const result = await this.pinned.run(client, fn);
        await client.query('RELEASE SAVEPOINT planner_attempt');
        return result;
      } catch (err) {
        if (!LOCK_GAVE_UP.has(sqlState(err) ?? '')) throw err;
        this.names.delete(client);
        await client.query('ROLLBACK TO SAVEPOINT planner_attempt');
        if (Date.now() >= deadline) {
          throw new EngineError(
            `gave up after ${budgetMs}ms (${attempt} attempts): other sessions kept locks on objects this change must replace, such as a long query or an open transaction reading a view; everything was rolled back`,
            { cause: err, code: 'lock_timeout', hint: 'retry when those readers finish, or raise lock_timeout (a server setting, or ?options=-c%20lock_timeout%3D30s in the gateway url)' },
          );
        }
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
      }
    }
  }

  /**
   * `fn` with statement_timeout `ms` in the transaction it runs in (restored after it) and
   * in every transaction it opens; set with set_config(..., true), so it never outlives
   * the transaction. A statement cancelled by it fails with code 'statement_timeout'.
   */
  async withStatementTimeout<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    const client = this.pinned.getStore();
    const before = client ? String((await client.query(`SELECT current_setting('statement_timeout') AS v`)).rows[0].v) : undefined;
    if (client) await setStatementTimeout(client, ms);
    try {
      return await this.timeouts.run(ms, fn);
    } catch (err) {
      if (sqlState(err) !== '57014' || !/statement timeout/i.test((err as Error).message)) throw err;
      throw new EngineError(`a statement ran past the limit of ${ms}ms and was cancelled`, { cause: err, code: 'statement_timeout' });
    } finally {
      // An aborted transaction takes no statement; it is rolled back anyway.
      if (client && before !== undefined) {
        await client.query(`SELECT set_config('statement_timeout', $1, true)`, [before]).catch((err: unknown) => {
          if (sqlState(err) !== '25P02') throw err;
        });
      }
    }
  }

  /** Turns a driver error into an EngineError that keeps the SQLSTATE and hides secrets. */
  wrap(err: unknown): EngineError {
    if (err instanceof EngineError) return err;
    const e = err as { message?: string; code?: string };
    if (isConnectionFailure(e)) return connectError(this.settings, err);
    return new EngineError(`PostgreSQL: ${redact(e.message ?? String(err), this.settings.secrets)}`, { cause: err, code: 'engine' });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The SQLSTATE of a failed statement (`42P16`), looking through our wrapper. */
export function sqlState(err: unknown): string | undefined {
  const direct = (err as { code?: unknown })?.code;
  const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
  for (const c of [cause, direct]) if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
  return undefined;
}

function setStatementTimeout(client: pg.PoolClient, ms: number): Promise<unknown> {
  return client.query(`SELECT set_config('statement_timeout', $1, true)`, [`${Math.max(1, Math.round(ms))}ms`]);
}

function setLockTimeout(client: pg.PoolClient, ms: number): Promise<unknown> {
  return client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(0, Math.round(ms))}ms`]);
}

/** Errors of the driver or the socket, as opposed to the planner's own (kept as they are). */
function isDriverError(err: unknown): boolean {
  return !(err instanceof PlannerError) && typeof (err as { code?: unknown })?.code === 'string';
}

function isConnectionFailure(e: { code?: string; message?: string }): boolean {
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', '28P01', '28000', '3D000', '57P03'].includes(e.code ?? '') ||
    /timeout expired|Connection terminated/i.test(e.message ?? '')
  );
}

/** One clear message naming host, port and database, never the password. */
export function connectError(settings: PostgresSettings, err: unknown): EngineError {
  const e = err as { message?: string; code?: string };
  const reason = redact(e.message || e.code || String(err), settings.secrets);
  return new EngineError(`cannot connect to PostgreSQL at ${settings.host}:${settings.port}, database '${settings.database}': ${reason}`, {
    cause: err,
    code: 'connection',
    hint: 'check that the server is running and that the gateway url (host, port, database, user) is right',
  });
}

/** Names of the common result types, as `fetchdf --json` shows them. */
const TYPE_NAMES: Record<number, string> = {
  16: 'BOOLEAN',
  20: 'BIGINT',
  21: 'SMALLINT',
  23: 'INTEGER',
  25: 'TEXT',
  700: 'REAL',
  701: 'DOUBLE PRECISION',
  1042: 'CHAR',
  1043: 'VARCHAR',
  1082: 'DATE',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  1700: 'NUMERIC',
  2950: 'UUID',
  3802: 'JSONB',
  114: 'JSON',
};

function toResult(result: pg.QueryResult): QueryResult {
  const columns = (result.fields ?? []).map((f) => ({ name: f.name, type: TYPE_NAMES[f.dataTypeID] ?? `OID ${f.dataTypeID}` }));
  return { columns, rows: (result.rows ?? []) as Row[] };
}
