import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { EngineError } from '../../errors.js';
import { redact } from '../../util/secrets.js';
import type { QueryResult, Row } from '../engine-adapter.js';
import type { PostgresSettings } from './config.js';

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

/** Options of one transaction. */
export interface TransactionOptions {
  /** `lock_timeout` for this transaction, in milliseconds; 0 waits forever. */
  lockTimeoutMs?: number;
}

/**
 * A pool of connections to one PostgreSQL database. A transaction pins ONE client and
 * makes it the client of every statement issued in its async scope (AsyncLocalStorage),
 * through the engine or through kysely, so a promotion and the state write recording it
 * commit together even though other work uses other pooled clients.
 */
export class PostgresSession {
  private readonly pinned = new AsyncLocalStorage<pg.PoolClient>();

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

  /** A pooled client for the caller to release. */
  async acquire(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw connectError(this.settings, err);
    }
  }

  async run(sql: string, params: unknown[] = []): Promise<QueryResult> {
    const client = this.pinned.getStore();
    try {
      const result = client ? await client.query(sql, params) : await this.pool.query(sql, params);
      return toResult(result);
    } catch (err) {
      throw this.wrap(err);
    }
  }

  /**
   * Runs `fn` in one transaction on one pinned client. Inside an enclosing transaction it
   * simply joins it: the outermost one commits or rolls back everything.
   */
  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.pinned.getStore()) return fn();
    const client = await this.acquire();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (options.lockTimeoutMs !== undefined) {
        await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(0, Math.round(options.lockTimeoutMs))}ms`]);
      }
      const result = await this.pinned.run(client, fn);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw err instanceof EngineError ? err : this.wrap(err);
    } finally {
      // A client whose rollback failed has a broken connection: drop it instead of reusing it.
      client.release(broken);
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
