import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { ROOT, TempProject } from './project.js';

/** The local test server (trust auth); PLANNER_TEST_PG_ADMIN_URL points elsewhere. */
export const ADMIN_URL = process.env.PLANNER_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresServer {
  available: boolean;
  /** Appended to a describe's title when the server is missing, so the report says why. */
  note: string;
}

let probe: Promise<PostgresServer> | undefined;

/**
 * Whether the local PostgreSQL server answers `SELECT 1`. Without one the PostgreSQL
 * tests are reported as skipped, by name and with the reason; with PLANNER_REQUIRE_PG=1
 * (set by `.ci/run`) a missing server fails the test file instead.
 * @example const server = await postgresServer(); describe.skipIf(!server.available)(`x${server.note}`, ...)
 */
export function postgresServer(): Promise<PostgresServer> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { available: true, note: '' };
    } catch (err) {
      const where = new URL(ADMIN_URL).host;
      if (process.env.PLANNER_REQUIRE_PG === '1') {
        throw new Error(`PLANNER_REQUIRE_PG=1 but no PostgreSQL server answers at ${where}: ${(err as Error).message}`);
      }
      console.warn(`PostgreSQL tests SKIPPED: no server answers at ${where} (${(err as Error).message}); set PLANNER_REQUIRE_PG=1 to make this a failure`);
      return { available: false, note: ` [SKIPPED: no PostgreSQL server at ${where}]` };
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probe;
}

/**
 * A database of its own for one test (or one file), dropped afterwards, so tests never
 * see each other's objects. Its URL is published in an environment variable of its own,
 * which the projects' planner.config.ts read, as a real project reads PLANNER_PG_URL.
 */
export class PgTestDatabase {
  private pool?: pg.Pool;

  private constructor(
    readonly name: string,
    readonly url: string,
    readonly envVar: string,
  ) {}

  static async create(): Promise<PgTestDatabase> {
    const name = `planner_t_${randomBytes(5).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const db = new PgTestDatabase(name, url.toString(), `PLANNER_PG_URL_${name.toUpperCase()}`);
    process.env[db.envVar] = db.url;
    return db;
  }

  /** Runs SQL on the test database (a small pool of its own, separate from the planner's). */
  async query(sql: string, params: unknown[] = []): Promise<Record<string, any>[]> {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.url, max: 2 });
      this.pool.on('error', () => undefined);
    }
    return (await this.pool.query(sql, params)).rows;
  }

  /** A client of its own, for tests that hold a transaction open. */
  async client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.url });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  /** `schema.name kind` for every table and view outside the system schemas, sorted. */
  async catalog(): Promise<string[]> {
    const rows = await this.query(
      `SELECT n.nspname || '.' || c.relname || ' ' || CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END AS o
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1`,
    );
    return rows.map((r) => String(r.o));
  }

  async drop(): Promise<void> {
    await this.pool?.end();
    delete process.env[this.envVar];
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A planner.config.ts for a PostgreSQL gateway reading its URL from `envVar`. */
export function postgresConfig(envVar: string, extra = ''): string {
  return `// A project on the shared PostgreSQL warehouse; the URL comes from the environment.
export default {
  gateways: {
    team: { type: 'postgres', url: process.env.${envVar}${extra} },
  },
  defaultGateway: 'team',
  modelDefaults: { dialect: 'postgres', start: '2024-01-01', cron: '@daily' },
  environments: { prod: { protected: true }, 'dev_*': { ttl: '7d' } },
};
`;
}

/** A temp copy of a project (the demo by default) configured for `db`. */
export function pgProject(db: PgTestDatabase, source: string = ROOT, files?: string[]): TempProject {
  const project = new TempProject(source, files);
  project.write('planner.config.ts', postgresConfig(db.envVar));
  return project;
}

/**
 * Around each test of a describe block: a fresh database and a project on it (the demo by
 * default), handed to `use`, then removed.
 * @example let db: PgTestDatabase; let p: TempProject; eachPgProject((d, q) => ((db = d), (p = q)));
 */
export function eachPgProject(use: (db: PgTestDatabase, p: TempProject) => void, make: (db: PgTestDatabase) => TempProject = (db) => pgProject(db)): void {
  let current: { db: PgTestDatabase; p: TempProject } | undefined;
  beforeEach(async () => {
    const db = await PgTestDatabase.create();
    current = { db, p: make(db) };
    use(current.db, current.p);
  });
  afterEach(async () => {
    current?.p.remove();
    await current?.db.drop();
    current = undefined;
  });
}
