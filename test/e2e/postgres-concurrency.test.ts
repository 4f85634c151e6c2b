import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { PgTestDatabase, pgProject, postgresServer } from '../helpers/postgres.js';
import { ROOT, type TempProject } from '../helpers/project.js';
import { spawnPlanner, waitFor, type PlannerExit } from '../helpers/spawn-planner.js';

const server = await postgresServer();
const EXAMPLE = join(ROOT, 'examples/postgres-team');
const EXAMPLE_FILES = ['models', 'seeds'];
/** The advisory lock the gate model waits on: the test holds it to keep a build running. */
const GATE = 4242;

/** A model whose build waits until the test opens the gate (when `gated`); `factor` changes its version. */
const gatedModel = (factor: number, gated = true) => `MODEL (name analytics.gated, kind FULL);

SELECT o.order_id, o.amount * ${factor} AS amount
FROM ${gated ? `(SELECT pg_advisory_xact_lock_shared(${GATE}) AS opened) AS gate\nCROSS JOIN ` : ''}staging.orders AS o;
`;

const silentIO = { out: () => undefined, err: () => undefined, interactive: false, confirm: async () => false };

describe.skipIf(!server.available)(`concurrent applies on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  const projects: TempProject[] = [];
  const project = () => {
    const p = pgProject(db, EXAMPLE, EXAMPLE_FILES);
    // Copies of one project (a team's clones): one project name, so they share the state.
    p.edit('planner.config.ts', 'export default {', "export default {\n  project: 'postgres-team',");
    projects.push(p);
    return p;
  };
  beforeEach(async () => {
    db = await PgTestDatabase.create();
  });
  afterEach(async () => {
    for (const p of projects.splice(0)) p.remove();
    await db.drop();
  });

  /** Sessions waiting for the gate (not yet granted). */
  const waitingAtGate = async () =>
    Number((await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = $1`, [GATE]))[0].n);

  it('lets exactly one of 8 applies to one environment work; the 7 others fail at once naming its plan, and nothing is written twice', async () => {
    const p = project();
    p.write('models/analytics/gated.sql', gatedModel(1));
    const gate = await db.client();
    await gate.query('SELECT pg_advisory_lock($1)', [GATE]);

    // A fresh database: all eight also race to create the state schema.
    const runs: Promise<PlannerExit>[] = [];
    for (let i = 0; i < 8; i++) runs.push(spawnPlanner(['plan', 'prod', '--auto-apply', '-p', p.dir], { [db.envVar]: db.url }));
    const exits: (PlannerExit | undefined)[] = new Array(8);
    runs.forEach((r, i) => r.then((e) => (exits[i] = e)));
    // The winner is held at the gate, inside its build; the others must finish meanwhile.
    await waitFor('seven applies to fail', () => exits.filter(Boolean).length === 7, 90_000);
    await waitFor('the winner to reach the gate', async () => (await waitingAtGate()) === 1, 90_000);
    expect(exits.filter(Boolean).length).toBe(7);
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
    await gate.end();
    await Promise.all(runs);

    const winners = exits.filter((e) => e!.code === 0);
    const losers = exits.filter((e) => e!.code !== 0);
    expect(winners).toHaveLength(1);
    const planId = /Applied plan (\w+) to prod/.exec(winners[0]!.stdout)![1];
    expect(losers).toHaveLength(7);
    for (const l of losers) {
      expect(l!.code).toBe(1);
      expect(l!.stderr).toMatch(new RegExp(`environment 'prod' is locked: plan ${planId} \\(pid \\d+ on \\S+\\) is applying it now; nothing was done`));
    }

    const orders = await db.query(`SELECT count(*)::int AS n, sum(amount)::text AS s FROM staging.orders`);
    expect(await db.query(`SELECT count(*)::int AS n, sum(amount)::text AS s FROM analytics.gated`)).toEqual(orders);
    expect(await db.query(`SELECT id, environment FROM planner_state.plans`)).toEqual([{ id: planId, environment: 'prod' }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM planner_state.physical_tables`))[0].n).toBe(6);
    expect(await main(['verify', '-p', p.dir], silentIO)).toBe(0);
  });

  it('lets two environments applying the same new version at once build it once and share it', async () => {
    const base = project();
    base.write('models/analytics/gated.sql', gatedModel(1, false));
    expect(await main(['plan', 'prod', '--auto-apply', '-p', base.dir], silentIO)).toBe(0);

    const gate = await db.client();
    await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
    const runs = ['dev_a', 'dev_b'].map((env) => {
      const p = project();
      p.write('models/analytics/gated.sql', gatedModel(7));
      return spawnPlanner(['plan', env, '--auto-apply', '-p', p.dir], { [db.envVar]: db.url });
    });
    // One build waits at the gate; the other waits for the first to finish the same table.
    const waitingAdvisory = async () =>
      Number((await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`))[0].n);
    await waitFor('one build at the gate and one waiting for it', async () => (await waitingAtGate()) === 1 && (await waitingAdvisory()) === 2, 90_000);
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
    await gate.end();
    for (const e of await Promise.all(runs)) expect(e, e.stderr).toMatchObject({ code: 0 });

    const orders = await db.query(`SELECT count(*)::int AS n, (sum(amount) * 7)::text AS s FROM staging.orders`);
    for (const env of ['dev_a', 'dev_b']) {
      expect(await db.query(`SELECT count(*)::int AS n, sum(amount)::text AS s FROM analytics__${env}.gated`)).toEqual(orders);
    }
    const defs = await db.query(
      `SELECT DISTINCT pg_get_viewdef(c.oid) AS d FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'gated' AND n.nspname IN ('analytics__dev_a', 'analytics__dev_b')`,
    );
    expect(defs).toHaveLength(1);
    expect((await db.query(`SELECT count(*)::int AS n FROM planner_state.physical_tables WHERE name = 'analytics.gated'`))[0].n).toBe(2);
    expect(await main(['verify', '-p', base.dir], silentIO)).toBe(0);
  });

  it('runs applies to 4 environments in parallel, each building its own version', async () => {
    const base = project();
    base.write('models/analytics/gated.sql', gatedModel(1, false));
    expect(await main(['plan', 'prod', '--auto-apply', '-p', base.dir], silentIO)).toBe(0);

    const gate = await db.client();
    await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
    const factors = { dev_1: 2, dev_2: 3, dev_3: 4, dev_4: 5 };
    const runs = Object.entries(factors).map(([env, factor]) => {
      const p = project();
      p.write('models/analytics/gated.sql', gatedModel(factor));
      return spawnPlanner(['plan', env, '--auto-apply', '-p', p.dir], { [db.envVar]: db.url });
    });
    // Four new tables are being built at the same time.
    await waitFor('four builds at the gate', async () => (await waitingAtGate()) === 4, 90_000);
    await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
    await gate.end();
    const exits = await Promise.all(runs);
    for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0 });

    const total = Number((await db.query(`SELECT sum(amount) AS s FROM staging.orders`))[0].s);
    for (const [env, factor] of Object.entries(factors)) {
      const rows = await db.query(`SELECT count(*)::int AS n, sum(amount) AS s FROM analytics__${env}.gated`);
      expect(Number(rows[0].s)).toBeCloseTo(total * factor, 2);
    }
    const defs = await db.query(
      `SELECT n.nspname AS env, pg_get_viewdef(c.oid) AS d FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'gated' AND n.nspname LIKE 'analytics\\_\\_dev\\__' ORDER BY 1`,
    );
    expect(defs.map((d) => d.env)).toEqual(['analytics__dev_1', 'analytics__dev_2', 'analytics__dev_3', 'analytics__dev_4']);
    expect(new Set(defs.map((d) => d.d)).size).toBe(4);
    const gatedTables = await db.query(`SELECT count(*)::int AS n FROM planner_state.physical_tables WHERE name = 'analytics.gated'`);
    expect(gatedTables[0].n).toBe(5);
    expect(await main(['verify', '-p', base.dir], silentIO)).toBe(0);
  });
});
