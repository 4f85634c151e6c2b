import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/index.js';
import { PgTestDatabase, pgProject, type PostgresServer } from './postgres.js';
import { ROOT, TempProject } from './project.js';

const DUCKDB_CONFIG = `export default {
  gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } },
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
};
`;

/** A temp project on one engine, with what tests need to look at its warehouse. */
export interface EngineProject {
  project: TempProject;
  /** `schema.name kind` of every table and view, sorted. */
  objects(): Promise<string[]>;
  /** Runs SQL directly on the warehouse. */
  sql(query: string): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

/** One engine the planner runs on; `available` is false for PostgreSQL without a server. */
export interface EngineCase {
  name: string;
  available: boolean;
  setup(source?: string, files?: string[]): Promise<EngineProject>;
}

/**
 * The engines to loop a test over: DuckDB always, PostgreSQL when the local server
 * answers (its title then says why it was skipped).
 * @example for (const e of engineCases(await postgresServer())) describe.skipIf(!e.available)(e.name, ...)
 */
export function engineCases(server: PostgresServer): EngineCase[] {
  return [
    {
      name: 'DuckDB',
      available: true,
      async setup(source = ROOT, files) {
        const project = new TempProject(source, files);
        if (files && !files.includes('planner.config.ts')) project.write('planner.config.ts', DUCKDB_CONFIG);
        const sql = (query: string) => project.with(async (ctx) => (await ctx.engine.query(query)).rows);
        const objects = () => project.with(async (ctx) => (await ctx.engine.listObjects()).map((o) => `${o.name.schema}.${o.name.table} ${o.type}`).sort());
        return { project, objects, sql, cleanup: async () => project.remove() };
      },
    },
    {
      name: `PostgreSQL${server.note}`,
      available: server.available,
      async setup(source = ROOT, files) {
        const db = await PgTestDatabase.create();
        const project = pgProject(db, source, files);
        return {
          project,
          objects: () => db.catalog(),
          sql: (query) => db.query(query),
          async cleanup() {
            project.remove();
            await db.drop();
          },
        };
      },
    },
  ];
}

/** Runs the CLI in this process, capturing what it prints. */
export async function runCli(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const io: CliIO = { out: (t) => lines.push(t), err: (t) => lines.push(t), interactive: false, confirm: async () => false };
  const code = await main(args, io);
  return { code, text: lines.join('\n') };
}

/**
 * A project per test on `engine`, holding `files` (folders made as needed), removed after
 * the test. Call inside a describe.
 * @example const projects = projectsOn(engine); const p = await projects.setup({ 'models/a.sql': '...' });
 */
export function projectsOn(engine: EngineCase): { setup(files: Record<string, string>): Promise<EngineProject> } {
  let current: EngineProject | undefined;
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return {
    async setup(files) {
      current = await engine.setup(undefined, []);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(current.project.path(path)), { recursive: true });
        current.project.write(path, text);
      }
      return current;
    },
  };
}
