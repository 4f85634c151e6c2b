import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrashPoints, InjectedFailure } from '../../src/plan/crash-points.js';
import { GROUP_SIZE } from '../../src/plan/build-group.js';
import { TempProject } from '../helpers/project.js';
import { spawnPlanner } from '../helpers/spawn-planner.js';
import { catalog, tableStates } from '../helpers/warehouse-state.js';

/** Models in DAG order: more than one group' worth, FULL and VIEW mixed, each reading the one before. */
const MODELS = GROUP_SIZE + 20;

/** A chain of small models on DuckDB: s.m000 from a VALUES list, each next one reading its parent. */
function chainProject(): TempProject {
  const p = new TempProject(process.cwd(), []);
  mkdirSync(p.path('models/s'), { recursive: true });
  p.write('planner.config.ts', `export default {\n  project: 'grouped',\n  gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } },\n};\n`);
  for (let i = 0; i < MODELS; i++) {
    const name = `m${String(i).padStart(3, '0')}`;
    const kind = i % 3 === 2 ? 'VIEW' : 'FULL';
    const query = i === 0 ? 'SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30)) AS t(id, amount)' : `SELECT id, amount + ${i} AS amount FROM s.m${String(i - 1).padStart(3, '0')}`;
    p.write(`models/s/${name}.sql`, `MODEL (name s.${name}, kind ${kind});\n\n${query}\n`);
  }
  return p;
}

/** What an apply leaves: objects, rows of every view, built tables and intervals in state. */
async function leftBy(p: TempProject): Promise<Record<string, unknown>> {
  return p.with(async (ctx) => {
    const query = async (sql: string) => (await ctx.engine.query(sql)).rows;
    const views = Array.from({ length: MODELS }, (_, i) => `s.m${String(i).padStart(3, '0')}`);
    return {
      catalog: await catalog(query),
      rows: await tableStates(query, views),
      built: await query('SELECT name, version, schema_name, table_name FROM planner_state.physical_tables ORDER BY name'),
      intervals: await query('SELECT name, version, start_ms FROM planner_state.intervals ORDER BY name'),
    };
  });
}

async function builtCount(p: TempProject): Promise<number> {
  return p.with(async (ctx) => Number((await ctx.engine.query('SELECT count(*) AS n FROM planner_state.physical_tables')).rows[0].n));
}

async function physicalObjects(p: TempProject): Promise<number> {
  return p.with(async (ctx) => (await ctx.engine.listObjects(['planner__s'])).length);
}

describe(`an apply of ${MODELS} small models on DuckDB, built in groups of ${GROUP_SIZE}`, () => {
  let p: TempProject;
  let clean: TempProject;
  beforeEach(() => {
    p = chainProject();
    clean = chainProject();
  });
  afterEach(() => {
    p.remove();
    clean.remove();
  });

  it('records every model it builds, each with its table or view, and its intervals', async () => {
    const { result } = await clean.planAndApply();
    expect(result.built).toHaveLength(MODELS);
    const left = await leftBy(clean);
    expect(left.built).toHaveLength(MODELS);
    // FULL models track intervals; views do not.
    expect(left.intervals).toHaveLength(MODELS - Math.floor((MODELS + 1) / 3));
    expect(await physicalObjects(clean)).toBe(MODELS);
    const last = `s.m${String(MODELS - 1).padStart(3, '0')}`;
    const rows = await clean.with(async (ctx) => (await ctx.engine.query(`SELECT id, amount FROM ${last} ORDER BY id`)).rows);
    const added = (MODELS * (MODELS - 1)) / 2;
    expect(rows.map((r) => [Number(r.id), Number(r.amount)])).toEqual([
      [1, 10 + added],
      [2, 20 + added],
      [3, 30 + added],
    ]);
  });

  it('rolls back the whole group a failure hits, keeps the groups before it, and a rerun completes as a clean run does', async () => {
    const failAt = GROUP_SIZE + 10;
    await expect(p.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { crashPoints: new CrashPoints({ failAt: `after-build:${failAt}` }) })).rejects.toBeInstanceOf(InjectedFailure);
    // The first group committed; nothing of the second is left, neither objects nor records.
    expect(await builtCount(p)).toBe(GROUP_SIZE);
    expect(await physicalObjects(p)).toBe(GROUP_SIZE);
    const { result } = await p.planAndApply();
    expect(result.built).toHaveLength(MODELS - GROUP_SIZE);
    await clean.planAndApply();
    expect(await leftBy(p)).toEqual(await leftBy(clean));
  });

  it('a process killed between two groups, or in the middle of one, leaves state consistent, and a rerun completes it', async () => {
    await clean.planAndApply();
    const reference = await leftBy(clean);
    for (const point of ['after-record-built:1', `after-build:${GROUP_SIZE + 5}`]) {
      const killed = await spawnPlanner(['plan', 'prod', '--auto-apply', '--skip-tests', '-p', p.dir], { PLANNER_TEST_CRASH_AT: point });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      expect(await builtCount(p)).toBe(GROUP_SIZE);
      expect(await physicalObjects(p)).toBe(GROUP_SIZE);
      const rerun = await spawnPlanner(['plan', 'prod', '--auto-apply', '--skip-tests', '-p', p.dir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await leftBy(p)).toEqual(reference);
      p.remove();
      p = chainProject();
    }
  }, 180_000);
});
