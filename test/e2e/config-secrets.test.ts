import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { TempProject } from '../helpers/project.js';

const server = await postgresServer();

/** Searched for in every output and in state; never printed by the test either. */
const SECRET = 'Pw-7q2Zx-never-print-me';
const SECRET2 = 'Pw2-settings-field-0k4';
/** Secrets given as URL query parameters: `?password=`, `?sslpassword=`, and an `sslkey` path. */
const QUERY_SECRETS = ['Qpw-5t7-query-param', 'Ssl-9v1-key-passphrase', 'key-file-3m8-name'];
/** A password too short to search for everywhere: masked where it stands as a password. */
const SHORT = 'q7';

/**
 * A demo copy whose config takes every connection secret from `.env`: a team gateway on
 * the local PostgreSQL server (trust auth accepts any password, so a real password is
 * carried all the way through the driver), and one pointing at a closed port.
 */
function secretProject(teamUrl: string): TempProject {
  const p = new TempProject();
  p.write(
    'planner.config.ts',
    `import { defineConfig } from 'planner';
export default defineConfig({
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
    team: { type: 'postgres', url: process.env.SECRETS_TEAM_URL },
    fields: { type: 'postgres', host: '127.0.0.1', port: 1, user: 'postgres', password: process.env.SECRETS_FIELD_PASSWORD, database: 'nowhere' },
    closed: { type: 'postgres', url: process.env.SECRETS_CLOSED_URL },
    query: { type: 'postgres', url: process.env.SECRETS_QUERY_URL },
    short: { type: 'postgres', url: process.env.SECRETS_SHORT_URL },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
  environments: { prod: { protected: true }, 'shared_*': { gateway: 'team', ttl: '1d' } },
});
`,
  );
  p.write(
    '.env',
    [
      `SECRETS_TEAM_URL=${teamUrl}`,
      `SECRETS_FIELD_PASSWORD="${SECRET2}"`,
      `SECRETS_CLOSED_URL=postgres://postgres:${SECRET}@127.0.0.1:1/nowhere?connect_timeout=2`,
      `SECRETS_QUERY_URL=postgres://postgres@127.0.0.1:1/nowhere?password=${QUERY_SECRETS[0]}&sslpassword=${QUERY_SECRETS[1]}&sslkey=/keys/${QUERY_SECRETS[2]}.key&connect_timeout=2`,
      `SECRETS_SHORT_URL=postgres://postgres:${SHORT}@127.0.0.1:1/nowhere?connect_timeout=2`,
    ].join('\n'),
  );
  return p;
}

function expectNoSecret(what: string, text: string): void {
  for (const s of [SECRET, SECRET2, encodeURIComponent(SECRET), ...QUERY_SECRETS]) {
    if (text.includes(s)) throw new Error(`${what} shows a secret`);
  }
  if (text.includes(`:${SHORT}@`) || text.includes(`password=${SHORT}`)) throw new Error(`${what} shows the short password`);
}

function run(p: TempProject, args: string[]) {
  const r = planner([...args, '-p', p.dir]);
  expectNoSecret(`planner ${args.join(' ')}`, r.stdout + r.stderr);
  return r;
}

describe('connection secrets on DuckDB and broken gateways', () => {
  let p: TempProject;
  beforeEach(() => {
    p = secretProject(`postgres://postgres:${SECRET}@127.0.0.1:1/unused`);
  });
  afterEach(() => p.remove());

  it('never appear in plan output, --json, the resolved config, error messages or state', async () => {
    expect(run(p, ['plan', '--yes']).code).toBe(0);
    expect(run(p, ['plan', 'dev', '--dry-run', '--json']).code).toBe(0);

    const config = run(p, ['environments', '--config']);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain('postgres://postgres:***@127.0.0.1:1/unused');
    expect(config.stdout).toMatch(/fields {2}postgres postgres:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect(config.stdout).toMatch(/shared_\* {2}gateway team/);
    expect(config.stdout).toContain('postgres://postgres@127.0.0.1:1/nowhere?password=***&sslpassword=***&sslkey=***&connect_timeout=2');
    expect(config.stdout).toContain('postgres://postgres:***@127.0.0.1:1/nowhere');
    const json = JSON.parse(run(p, ['environments', '--config', '--json']).stdout);
    expect(json.gateways.fields.password).toBe('***');
    expect(json.gateways.query.url).toBe('postgres://postgres@127.0.0.1:1/nowhere?password=***&sslpassword=***&sslkey=***&connect_timeout=2');
    expect(json.gateways.short.url).toBe('postgres://postgres:***@127.0.0.1:1/nowhere?connect_timeout=2');
    expect(json.environments.map((e: { name: string; protected: boolean }) => [e.name, e.protected])).toEqual([['prod', true]]);

    // Errors from the driver, in text, JSON and with stack traces.
    const attempts: [string, string[]][] = [['closed', []], ['closed', ['--json']], ['closed', ['--verbose']], ['fields', ['--verbose']], ['short', ['--verbose']], ['query', ['--verbose']], ['query', ['--json']]];
    for (const [gateway, extra] of attempts) {
      const r = run(p, ['plan', '--gateway', gateway, '--dry-run', ...extra]);
      expect(r.code, `${gateway} ${extra.join(' ')}: ${r.stderr}`).toBe(1);
      // The query gateway fails reading its sslkey file, whose path is masked in the message.
      expect(r.stdout + r.stderr).toMatch(/ECONNREFUSED|connect|refused|ENOENT/i);
    }

    const tables = planner(['fetchdf', "SELECT string_agg(table_name, ',') AS t FROM information_schema.tables WHERE table_schema = 'planner_state'", '--json', '-p', p.dir]);
    const names = String(JSON.parse(tables.stdout).rows[0].t).split(',');
    expect(names).toEqual(expect.arrayContaining(['snapshots', 'environments', 'plans']));
    const union = names.map((t) => `SELECT '${t}' AS t, CAST(x AS VARCHAR) AS row FROM planner_state.${t} AS x`).join(' UNION ALL ');
    const state = planner(['fetchdf', union, '--json', '-p', p.dir]);
    expect(state.code).toBe(0);
    expect(state.stdout.length).toBeGreaterThan(1000);
    expectNoSecret('state', state.stdout);
  }, 240_000);
});

describe.skipIf(!server.available)(`connection secrets on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  beforeEach(async () => {
    db = await PgTestDatabase.create();
    // The password as a query parameter (`?password=`), which the driver honours too.
    const url = new URL(db.url);
    url.searchParams.set('password', QUERY_SECRETS[0]);
    p = secretProject(url.toString());
  });
  afterEach(async () => {
    p.remove();
    await db.drop();
  });

  it('are used to connect, and never appear in output or in any state row', async () => {
    const applied = run(p, ['plan', 'shared_team', '--yes', '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).applied).toBe(true);
    expect((await db.query(`SELECT count(*)::int AS n FROM analytics__shared_team.customers`))[0].n).toBe(30);
    expect(run(p, ['audit', '--env', 'shared_team', '--gateway', 'team']).code).toBe(0);
    expect(run(p, ['environments', '--gateway', 'team']).code).toBe(0);

    const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'planner_state'`);
    expect(tables.length).toBeGreaterThan(3);
    for (const { table_name } of tables) {
      const rows = await db.query(`SELECT t::text AS row FROM planner_state.${table_name} AS t`);
      expectNoSecret(`state table ${table_name}`, rows.map((r) => r.row).join('\n'));
    }
  });
});
