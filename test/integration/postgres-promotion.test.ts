import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InjectedFailure } from '../../src/plan/crash-points.js';
import { PgTestDatabase, pgProject, postgresConfig, postgresServer } from '../helpers/postgres.js';
import { ROOT, type TempProject } from '../helpers/project.js';

const server = await postgresServer();
const EXAMPLE = join(ROOT, 'examples/postgres-team');

/** Both analytics models total the completed orders' amounts: equal unless a reader sees a mix of versions. */
const TOTALS = `SELECT (SELECT sum(revenue) FROM analytics.daily_revenue)::text AS a, (SELECT sum(revenue) FROM analytics.customer_orders)::text AS b`;

describe.skipIf(!server.available)(`atomic promotion on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  beforeEach(async () => {
    db = await PgTestDatabase.create();
    p = pgProject(db, EXAMPLE, ['models', 'seeds']);
    await p.planAndApply('prod');
  });
  afterEach(async () => {
    p.remove();
    await db.drop();
  });

  const prodViews = () =>
    db.query(`SELECT n.nspname || '.' || c.relname AS v, pg_get_viewdef(c.oid) AS d FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind = 'v' AND n.nspname IN ('raw', 'staging', 'analytics') ORDER BY 1`);

  it('lets a reader query prod in a loop through promotions without an error or a mix of versions', async () => {
    const [old] = await db.query(TOTALS);
    expect(old.a).not.toBeNull();
    expect(old.a).toBe(old.b);
    const original = p.read('models/staging/orders.sql');
    const doubled = original.replace('  amount\n', '  amount * 2 AS amount\n');
    p.write('models/staging/orders.sql', doubled);
    await p.planAndApply('dev_alice');

    const reader = await db.client();
    const seen = new Map<string, number>();
    const errors: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          const { rows } = await reader.query(TOTALS);
          const key = rows[0].a === rows[0].b ? String(rows[0].a) : `MIX ${rows[0].a} / ${rows[0].b}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    })();
    // Promote back and forth: every promotion only swaps views (the tables exist).
    try {
      for (let i = 0; i < 6; i++) {
        p.write('models/staging/orders.sql', i % 2 === 0 ? doubled : original);
        const { result } = await p.planAndApply('prod', { allowRevert: true }); // back and forth on purpose: every other promotion puts back what the last one replaced
        expect(result.built).toEqual([]);
        expect(result.viewsChanged).toBe(3);
      }
    } finally {
      // Stop the reader even when a promotion failed, or it would loop on errors forever.
      running = false;
      await loop;
      await reader.end();
    }

    expect(errors).toEqual([]);
    expect([...seen.keys()].filter((k) => k.startsWith('MIX'))).toEqual([]);
    const [fresh] = await db.query(TOTALS.replace(/analytics\./g, 'analytics__dev_alice.'));
    expect(fresh.a).not.toBe(old.a);
    expect(new Set(seen.keys())).toEqual(new Set([old.a, fresh.a]));
  });

  it('leaves every view and the state as before when promotion fails midway', async () => {
    const before = await prodViews();
    const env = await db.query(`SELECT plan_id, payload FROM planner_state.environments WHERE name = 'prod'`);
    p.edit('models/staging/orders.sql', '  amount\n', '  amount * 2 AS amount\n');
    p.edit('models/analytics/daily_revenue.sql', '  COUNT(*) AS orders,\n', '');
    process.env.PLANNER_TEST_FAIL_AT = 'mid-promotion:2';
    try {
      await expect(p.planAndApply('prod')).rejects.toThrowError(InjectedFailure);
    } finally {
      delete process.env.PLANNER_TEST_FAIL_AT;
    }
    expect(await prodViews()).toEqual(before);
    expect(await db.query(`SELECT plan_id, payload FROM planner_state.environments WHERE name = 'prod'`)).toEqual(env);
    // The same change then applies cleanly, dropping the removed column from the view.
    await p.planAndApply('prod');
    const cols = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'daily_revenue' ORDER BY ordinal_position`);
    expect(cols.map((c) => c.column_name)).toEqual(['order_date', 'revenue']);
  });

  it('fails cleanly, rolled back, when a long reader holds a view past lock_timeout', async () => {
    // lock_timeout set on the server side of the URL: the planner honours it.
    process.env[`${db.envVar}_SHORT`] = `${db.url}?options=-c%20lock_timeout%3D400`;
    p.write('planner.config.ts', postgresConfig(`${db.envVar}_SHORT`));
    const before = await prodViews();
    p.edit('models/staging/orders.sql', '  amount\n', '  amount * 2 AS amount\n');
    const reader = await db.client();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM analytics.customer_orders');
    try {
      const failed = p.planAndApply('prod');
      await expect(failed).rejects.toThrowError(/gave up after 400ms.*everything was rolled back/);
      expect(await prodViews()).toEqual(before);
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    const { result } = await p.planAndApply('prod');
    expect(result.viewsChanged).toBe(3);
    expect(await prodViews()).not.toEqual(before);
    delete process.env[`${db.envVar}_SHORT`];
  });

  it("promotes dev while a long prod reader holds the tables dev's views also read", async () => {
    process.env[`${db.envVar}_SHORT`] = `${db.url}?options=-c%20lock_timeout%3D400`;
    p.write('planner.config.ts', postgresConfig(`${db.envVar}_SHORT`));
    await p.planAndApply('dev', { includeUnmodified: true });
    const reader = await db.client();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM analytics.customer_orders');
    try {
      // Dev's view of customer_orders reads prod's table until this promotion repoints it.
      p.edit('models/staging/orders.sql', '  amount\n', '  amount * 2 AS amount\n');
      const { result } = await p.planAndApply('dev', { includeUnmodified: true });
      expect(result.viewsChanged).toBeGreaterThan(0);
    } finally {
      await reader.query('COMMIT');
      await reader.end();
      delete process.env[`${db.envVar}_SHORT`];
    }
  });
});
