import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GROUP_SIZE } from '../../src/plan/build-group.js';
import { CrashPoints, InjectedFailure } from '../../src/plan/crash-points.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { TempProject } from '../helpers/project.js';
import { spawnPlanner, waitFor } from '../helpers/spawn-planner.js';

const server = await postgresServer();

/** Models in DAG order: more than one group's worth, FULL and VIEW mixed, each reading the one before. */
const MODELS = GROUP_SIZE + 20;
const name = (i: number) => `m${String(i).padStart(3, '0')}`;

/**
 * A chain of small models on `db`: s.m000 from a VALUES list, each next one reading its
 * parent; `extra` independent models (s.x000, ...) besides, which shift where groups begin.
 */
function chainProject(db: PgTestDatabase, extra = 0): TempProject {
  const p = new TempProject(process.cwd(), []);
  mkdirSync(p.path('models/s'), { recursive: true });
  p.write(
    'planner.config.ts',
    `export default {\n  project: 'grouped',\n  gateways: { team: { type: 'postgres', url: process.env.${db.envVar} } },\n  modelDefaults: { dialect: 'postgres' },\n};\n`,
  );
  for (let i = 0; i < MODELS; i++) {
    const kind = i % 3 === 2 ? 'VIEW' : 'FULL';
    const query = i === 0 ? 'SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30)) AS t(id, amount)' : `SELECT id, amount + ${i} AS amount FROM s.${name(i - 1)}`;
    p.write(`models/s/${name(i)}.sql`, `MODEL (name s.${name(i)}, kind ${kind});\n\n${query}\n`);
  }
  for (let i = 0; i < extra; i++) p.write(`models/s/x${String(i).padStart(3, '0')}.sql`, `MODEL (name s.x${String(i).padStart(3, '0')}, kind FULL);\n\nSELECT ${i} AS id\n`);
  return p;
}

/** What an apply leaves: every object, the rows of every physical table and view, and state's records. */
async function leftBy(db: PgTestDatabase): Promise<Record<string, unknown>> {
  const catalog = await db.catalog();
  const rows: Record<string, unknown> = {};
  for (const o of catalog.filter((o) => !o.startsWith('planner_state.'))) {
    const [schema, table] = o.split(' ')[0].split('.');
    rows[o] = (await db.query(`SELECT string_agg(t::text, '|' ORDER BY t::text) AS r FROM "${schema}"."${table}" AS t`))[0].r;
  }
  return {
    catalog,
    rows,
    built: await db.query('SELECT name, version, schema_name, table_name FROM planner_state.physical_tables ORDER BY name'),
    intervals: await db.query('SELECT name, version, start_ms FROM planner_state.intervals ORDER BY name'),
  };
}

const builtCount = async (db: PgTestDatabase) => Number((await db.query('SELECT count(*) AS n FROM planner_state.physical_tables'))[0].n);
const physicalObjects = async (db: PgTestDatabase) => (await db.catalog()).filter((o) => o.startsWith('planner__s.')).length;

describe.skipIf(!server.available)(`an apply of ${MODELS} small models on PostgreSQL, built in groups of ${GROUP_SIZE}${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  const databases: PgTestDatabase[] = [];
  const projects: TempProject[] = [];
  beforeEach(async () => {
    db = await PgTestDatabase.create();
    databases.push(db);
    p = chainProject(db);
    projects.push(p);
  });
  afterEach(async () => {
    for (const q of projects.splice(0)) q.remove();
    for (const d of databases.splice(0)) await d.drop();
  });

  /** What a clean apply of the same project leaves, on a database of its own. */
  async function reference(): Promise<Record<string, unknown>> {
    const clean = await PgTestDatabase.create();
    databases.push(clean);
    const q = chainProject(clean);
    projects.push(q);
    const { result } = await q.planAndApply();
    expect(result.built).toHaveLength(MODELS);
    const left = await leftBy(clean);
    expect(left.built).toHaveLength(MODELS);
    // FULL models track intervals; views do not.
    expect(left.intervals).toHaveLength(MODELS - Math.floor((MODELS + 1) / 3));
    const added = (MODELS * (MODELS - 1)) / 2;
    expect(await clean.query(`SELECT id, amount FROM s.${name(MODELS - 1)} ORDER BY id`)).toEqual([
      { id: 1, amount: 10 + added },
      { id: 2, amount: 20 + added },
      { id: 3, amount: 30 + added },
    ]);
    return left;
  }

  it('rolls back the whole group a failure hits, keeps the groups before it, and a rerun completes as a clean run does', async () => {
    const failAt = GROUP_SIZE + 10;
    await expect(p.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { crashPoints: new CrashPoints({ failAt: `after-build:${failAt}` }) })).rejects.toBeInstanceOf(InjectedFailure);
    // The first group committed; nothing of the second is left, neither objects nor records.
    expect(await builtCount(db)).toBe(GROUP_SIZE);
    expect(await physicalObjects(db)).toBe(GROUP_SIZE);
    const { result } = await p.planAndApply();
    expect(result.built).toHaveLength(MODELS - GROUP_SIZE);
    expect(await leftBy(db)).toEqual(await reference());
  });

  it('a process killed in the middle of a group leaves the groups before it, nothing of that one, and no lock; a rerun completes it', async () => {
    const killed = await spawnPlanner(['plan', 'prod', '--auto-apply', '--skip-tests', '-p', p.dir], { PLANNER_TEST_CRASH_AT: `after-build:${GROUP_SIZE + 5}` });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(await builtCount(db)).toBe(GROUP_SIZE);
    expect(await physicalObjects(db)).toBe(GROUP_SIZE);
    // The killed process's connections are gone, and every lock it held (environment, tables' turns) with them.
    await waitFor('the killed process to leave no advisory lock', async () => Number((await db.query(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`))[0].n) === 0, 20_000);
    const rerun = await spawnPlanner(['plan', 'prod', '--auto-apply', '--skip-tests', '-p', p.dir]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await leftBy(db)).toEqual(await reference());
  }, 180_000);

  it('two environments applying the same new versions at once, in groups that begin at different models, build each once and both finish', async () => {
    // Same project name, so both share the database's state; the second has models of its own besides.
    const other = chainProject(db, 15);
    projects.push(other);
    const [a, b] = await Promise.all([
      spawnPlanner(['plan', 'dev_a', '--auto-apply', '--skip-tests', '-p', p.dir]),
      spawnPlanner(['plan', 'dev_b', '--auto-apply', '--skip-tests', '-p', other.dir]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const built = await db.query('SELECT name, count(*)::int AS n FROM planner_state.physical_tables GROUP BY name');
    expect(built).toHaveLength(MODELS + 15);
    expect(built.every((r) => r.n === 1)).toBe(true);
    expect(await physicalObjects(db)).toBe(MODELS + 15);
    const last = `s__dev_a.${name(MODELS - 1)}`;
    const lastB = `s__dev_b.${name(MODELS - 1)}`;
    expect(await db.query(`SELECT * FROM ${last} ORDER BY id`)).toEqual(await db.query(`SELECT * FROM ${lastB} ORDER BY id`));
    expect((await db.query(`SELECT count(*)::int AS n FROM ${last}`))[0].n).toBe(3);
  }, 180_000);
});
