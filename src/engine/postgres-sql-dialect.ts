import { PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Dialect, type Driver, type Kysely } from 'kysely';

/**
 * A kysely dialect that speaks PostgreSQL's SQL (`$1` parameters, double-quoted names,
 * RETURNING) over a driver of our own: the state store's queries through one of the
 * engines' sessions, so they can join the engine's transactions.
 * @example new Kysely({ dialect: new PostgresSqlDialect(() => new MyDriver(session)) })
 */
export class PostgresSqlDialect implements Dialect {
  constructor(private readonly driver: () => Driver) {}
  createDriver(): Driver {
    return this.driver();
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
