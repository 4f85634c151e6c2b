import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type QueryResult } from 'kysely';
import type pg from 'pg';
import { PostgresSqlDialect } from '../postgres-sql-dialect.js';
import type { PostgresSession } from './connection.js';

/**
 * kysely over our PostgreSQL session. kysely's own PostgresDialect would take a client
 * from the pool for every query; this driver first looks for the client of the engine
 * transaction the call runs in, so the state write that records a promotion commits in
 * the promotion's transaction. kysely's own transactions there become a savepoint.
 */
export function postgresKyselyDialect(session: PostgresSession): Dialect {
  return new PostgresSqlDialect(() => new PostgresSessionDriver(session));
}

class PostgresSessionDriver implements Driver {
  constructor(private readonly session: PostgresSession) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const pinned = this.session.currentClient();
    if (pinned) return new SessionConnection(this.session, pinned, false);
    return new SessionConnection(this.session, await this.session.acquire(), true);
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw((conn as SessionConnection).owned ? 'BEGIN' : 'SAVEPOINT planner_state'));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw((conn as SessionConnection).owned ? 'COMMIT' : 'RELEASE SAVEPOINT planner_state'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw((conn as SessionConnection).owned ? 'ROLLBACK' : 'ROLLBACK TO SAVEPOINT planner_state'));
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const c = conn as SessionConnection;
    if (c.owned) c.client.release();
  }
  async destroy(): Promise<void> {}
}

class SessionConnection implements DatabaseConnection {
  constructor(
    private readonly session: PostgresSession,
    readonly client: pg.PoolClient,
    /** False when the client belongs to an enclosing engine transaction. */
    readonly owned: boolean,
  ) {}
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.client.query(compiled.sql, [...compiled.parameters]);
      const affects = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(result.command);
      return { rows: (result.rows ?? []) as R[], numAffectedRows: affects ? BigInt(result.rowCount ?? 0) : undefined };
    } catch (err) {
      throw this.session.wrap(err);
    }
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by the state store');
  }
}
