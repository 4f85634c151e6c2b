import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type QueryResult } from 'kysely';
import { PostgresSqlDialect } from '../postgres-sql-dialect.js';
import type { DuckDBSession } from './connection.js';

/**
 * kysely over our DuckDB session. DuckDB speaks PostgreSQL's SQL for everything the state
 * store asks (`$1` parameters, double-quoted names, RETURNING), so the shared PostgreSQL
 * dialect serves with a driver of its own.
 */
export function duckdbKyselyDialect(session: DuckDBSession): Dialect {
  return new PostgresSqlDialect(() => new DuckDBDriver(session));
}

class DuckDBDriver implements Driver {
  constructor(private readonly session: DuckDBSession) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new DuckDBKyselyConnection(this.session);
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('BEGIN TRANSACTION'));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

class DuckDBKyselyConnection implements DatabaseConnection {
  constructor(private readonly session: DuckDBSession) {}
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.session.run(compiled.sql, [...compiled.parameters]);
    return { rows: result.rows as R[] };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by the state store');
  }
}
