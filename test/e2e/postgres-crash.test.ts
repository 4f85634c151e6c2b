import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { PgTestDatabase, pgProject, postgresConfig, postgresServer } from '../helpers/postgres.js';
import { ROOT, TempProject } from '../helpers/project.js';
import { spawnPlanner } from '../helpers/spawn-planner.js';

const server = await postgresServer();
const silentIO = { out: () => undefined, err: () => undefined, interactive: false, confirm: async () => false };
const cli = (args: string[]) => main(args, silentIO);

/** Everything an apply leaves behind that a rerun must reproduce: catalog, view definitions, rows, state. */
async function snapshotOf(db: PgTestDatabase): Promise<Record<string, unknown>> {
  const catalog = await db.catalog();
  const views = await db.query(
    `SELECT n.nspname || '.' || c.relname AS v, pg_get_viewdef(c.oid) AS d FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  const rows: Record<string, unknown> = {};
  for (const o of catalog.filter((o) => !o.startsWith('planner_state.'))) {
    const name = o.split(' ')[0];
    const [schema, table] = name.split('.');
    const r = await db.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${schema}"."${table}" AS t`);
    rows[name] = r[0];
  }
  const state = {
    environments: await db.query(`SELECT name, payload, plan_id, previous_plan_id, expires_at IS NULL AS forever FROM planner_state.environments ORDER BY name`),
    tables: await db.query(`SELECT name, version, schema_name, table_name FROM planner_state.physical_tables ORDER BY 1, 2`),
    snapshots: await db.query(`SELECT id FROM planner_state.snapshots ORDER BY 1`),
    plans: await db.query(`SELECT id, environment, summary FROM planner_state.plans ORDER BY 1`),
  };
  return { catalog, views, rows, state };
}

/**
 * Kill tests: an apply is killed (SIGKILL, in a separate process) at a point between two
 * writes; running the same saved plan again must complete and leave exactly what a
 * clean run leaves, and `planner verify` must find nothing wrong.
 */
describe.skipIf(!server.available)(`killed applies on PostgreSQL${server.note}`, () => {
  let project: TempProject;
  /** The project as it was when the first plan was saved: a saved plan applies only to the project it was made from. */
  let projectFirst: TempProject;
  let reference: Record<string, unknown>;
  let afterFirst: Record<string, unknown>;
  let first: string;
  let second: string;
  const databases: PgTestDatabase[] = [];
  const database = async () => {
    const db = await PgTestDatabase.create();
    databases.push(db);
    return db;
  };
  const use = (db: PgTestDatabase) => (process.env.PLANNER_PG_URL = db.url);

  beforeAll(async () => {
    const ref = await PgTestDatabase.create();
    databases.push(ref);
    project = pgProject(ref, join(ROOT, 'examples/postgres-team'), ['models', 'seeds']);
    // Every database of this file is reached through PLANNER_PG_URL, set per test.
    // One project name for both copies, so they may share each database's state.
    project.write('planner.config.ts', postgresConfig('PLANNER_PG_URL').replace('export default {', "export default {\n  project: 'postgres-team',"));
    projectFirst = new TempProject(project.dir, ['models', 'seeds', 'planner.config.ts']);
    use(ref);
    // Two saved plans: prod from nothing, then a change that rebuilds three models and
    // removes a column from a view (so promotion drops and recreates it).
    first = project.path('first.json');
    second = project.path('second.json');
    expect(await cli(['plan', 'prod', '--out', first, '-p', project.dir])).toBe(0);
    expect(await cli(['apply', first, '-p', project.dir])).toBe(0);
    afterFirst = await snapshotOf(ref);
    project.edit('models/staging/orders.sql', '  amount\n', '  amount * 2 AS amount\n');
    project.edit('models/analytics/daily_revenue.sql', '  COUNT(*) AS orders,\n', '');
    expect(await cli(['plan', 'prod', '--out', second, '-p', project.dir])).toBe(0);
    expect(await cli(['apply', second, '-p', project.dir])).toBe(0);
    reference = await snapshotOf(ref);
    const rows = reference.rows as Record<string, { n: number }>;
    expect(rows['analytics.daily_revenue'].n).toBeGreaterThan(0);
    expect(rows['analytics.customer_orders'].n).toBe(6);
  });
  afterAll(async () => {
    delete process.env.PLANNER_PG_URL;
    project?.remove();
    projectFirst?.remove();
    for (const db of databases) await db.drop();
  });

  const points: { point: string; plan: 'first' | 'second'; viewsAsBefore?: boolean }[] = [
    { point: 'after-build:3', plan: 'first' },
    { point: 'after-snapshots', plan: 'second' },
    { point: 'after-build:1', plan: 'second' },
    { point: 'after-record-built:1', plan: 'second' },
    { point: 'after-batch:1', plan: 'second' },
    { point: 'mid-promotion:2', plan: 'second', viewsAsBefore: true },
    { point: 'before-commit', plan: 'second', viewsAsBefore: true },
    { point: 'after-commit', plan: 'second' },
  ];

  it.each(points)('killed at $point of the $plan plan, the rerun completes as a clean run does', async ({ point, plan, viewsAsBefore }) => {
    const db = await database();
    use(db);
    if (plan === 'second') expect(await cli(['apply', first, '-p', projectFirst.dir])).toBe(0);
    const file = plan === 'first' ? first : second;
    const dir = plan === 'first' ? projectFirst.dir : project.dir;

    const killed = await spawnPlanner(['apply', file, '-p', dir], { PLANNER_PG_URL: db.url, PLANNER_TEST_CRASH_AT: point });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    if (viewsAsBefore) {
      // The environment's views (not the new physical objects, built before promotion) are as before.
      const envViews = (s: Record<string, unknown>) => (s.views as { v: string }[]).filter((v) => !v.v.startsWith('planner__'));
      const now = await snapshotOf(db);
      expect(envViews(now)).toEqual(envViews(afterFirst));
      expect((now.state as { environments: unknown }).environments).toEqual((afterFirst.state as { environments: unknown }).environments);
    }

    expect(await cli(['apply', file, '-p', dir])).toBe(0);
    if (plan === 'first') expect(await cli(['apply', second, '-p', project.dir])).toBe(0);
    expect(await snapshotOf(db)).toEqual(reference);
    expect(await cli(['verify', '-p', project.dir])).toBe(0);
  });
});
