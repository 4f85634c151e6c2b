import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/capture-io.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { ROOT } from '../helpers/project.js';

const server = await postgresServer();

async function cli(args: string[]) {
  const io = captureIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('planner init', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'planner-init-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes a DuckDB project that plans, applies and answers at once, and refuses to overwrite it', async () => {
    const dir = fresh();
    const init = await cli(['init', '-p', dir]);
    expect(init.code).toBe(0);
    for (const f of ['planner.config.ts', 'models/example/greetings.sql', 'models/raw/greetings.sql', 'seeds/greetings.csv', 'tests/greetings.yaml', 'audits/.gitkeep']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(readFileSync(join(dir, 'planner.config.ts'), 'utf8')).toContain("import { defineConfig } from 'sql-planner';");
    // The default layout written out, the others named in a comment beside it.
    expect(readFileSync(join(dir, 'planner.config.ts'), 'utf8')).toMatch(/'environment-schema'[\s\S]*'table-suffix'[\s\S]*virtualLayout: 'schema-suffix',/);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['.planner/', '*.duckdb', '.env']));
    expect(await cli(['test', '-p', dir])).toMatchObject({ code: 0 });
    const plan = await cli(['plan', '--auto-apply', '-p', dir]);
    expect(plan.stderr).not.toMatch(/error|warning/);
    expect(plan.stdout).toMatch(/Applied plan \w+ to prod: built 2 tables/);
    const rows = await cli(['fetchdf', 'SELECT greeting, letters FROM example.greetings ORDER BY id', '--json', '-p', dir]);
    expect(JSON.parse(rows.stdout).rows).toEqual([
      { greeting: 'hello', letters: 5 },
      { greeting: 'bonjour', letters: 7 },
      { greeting: 'hallo', letters: 5 },
    ]);

    writeFileSync(join(dir, 'models/example/greetings.sql'), '-- mine\n');
    const again = await cli(['init', '-p', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has planner.config.ts');
    expect(again.stderr).toContain('hint: pass --force');
    expect(readFileSync(join(dir, 'models/example/greetings.sql'), 'utf8')).toBe('-- mine\n');
    expect(await cli(['init', '--force', '-p', dir])).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, 'models/example/greetings.sql'), 'utf8')).toContain('LENGTH(greeting)');
  });

  it('keeps an existing .gitignore and adds the lines it lacks', async () => {
    const dir = fresh();
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.env\n');
    expect((await cli(['init', '-p', dir])).code).toBe(0);
    const lines = readFileSync(join(dir, '.gitignore'), 'utf8').split('\n');
    expect(lines.slice(0, 2)).toEqual(['node_modules/', '.env']);
    expect(lines.filter((l) => l === '.env')).toHaveLength(1);
    expect(lines).toContain('.planner/');
  });

  it('writes the demo shop with --template shop', async () => {
    const dir = fresh();
    expect((await cli(['init', '--template', 'shop', '-p', dir])).code).toBe(0);
    const plan = await cli(['plan', '--auto-apply', '--skip-tests', '-p', dir]);
    expect(plan.stdout).toMatch(/built 12 tables/);
    const rows = await cli(['fetchdf', 'SELECT count(*) AS n FROM analytics.customers', '--json', '-p', dir]);
    expect(JSON.parse(rows.stdout).rows).toEqual([{ n: 30 }]);
  });

  it.skipIf(!server.available)(`writes a PostgreSQL project whose URL comes from .env${server.note}`, async () => {
    const db = await PgTestDatabase.create();
    const dir = fresh();
    try {
      expect((await cli(['init', '--engine', 'postgres', '-p', dir])).code).toBe(0);
      expect(readFileSync(join(dir, 'planner.config.ts'), 'utf8')).toContain('url: process.env.PLANNER_PG_URL');
      writeFileSync(join(dir, '.env'), `PLANNER_PG_URL=${db.url}\n`);
      expect((await cli(['plan', '--auto-apply', '-p', dir])).code).toBe(0);
      expect(await db.query('SELECT greeting FROM example.greetings ORDER BY id')).toEqual([{ greeting: 'hello' }, { greeting: 'bonjour' }, { greeting: 'hallo' }]);
    } finally {
      delete process.env.PLANNER_PG_URL;
      await db.drop();
    }
  });
});

describe('the package', () => {
  it("exports the library without the CLI: importing 'sql-planner' loads neither yargs nor chalk; 'sql-planner/cli' has main", () => {
    const dir = mkdtempSync(join(tmpdir(), 'planner-pkg-'));
    try {
      // A resolve hook that reports every yargs or chalk module the import pulls in.
      writeFileSync(join(dir, 'hook.mjs'), 'export async function resolve(s, c, next) { const r = await next(s, c); if (/node_modules\\/(yargs|chalk)\\//.test(r.url)) console.log("LOADED " + r.url); return r; }\n');
      const run = (spec: string) =>
        spawnSync(process.execPath, ['--input-type=module', '-e', `import { register } from 'node:module'; register(${JSON.stringify(`file://${join(dir, 'hook.mjs')}`)}); const m = await import('${spec}'); console.log(Object.keys(m).sort().join(','));`], { cwd: ROOT, encoding: 'utf8' });
      const lib = run('sql-planner');
      expect(lib.stderr).toBe('');
      expect(lib.stdout).not.toContain('LOADED');
      expect(lib.stdout.trim().split(',')).toEqual(expect.arrayContaining(['Context', 'defineConfig']));
      expect(lib.stdout).not.toMatch(/\bmain\b/);
      const cliModule = run('sql-planner/cli');
      expect(cliModule.stdout).toContain('LOADED');
      expect(cliModule.stdout).toMatch(/\bmain\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
