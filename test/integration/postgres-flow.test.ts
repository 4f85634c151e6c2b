import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/errors.js';
import { runCli } from '../helpers/engines.js';
import { eachPgProject, PgTestDatabase, postgresConfig, postgresServer } from '../helpers/postgres.js';
import type { TempProject } from '../helpers/project.js';

const server = await postgresServer();

describe.skipIf(!server.available)(`plan and promote on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: TempProject;
  eachPgProject((d, q) => ((db = d), (p = q)));

  it('builds prod, builds only the changed model and its breaking children in dev, then promotes without building', async () => {
    const first = await p.planAndApply('prod');
    expect(first.result.built).toHaveLength(12);
    const prodRevenue = await db.query(`SELECT sum(revenue)::text AS r, count(*)::int AS n FROM analytics.daily_revenue`);
    expect(prodRevenue[0].n).toBeGreaterThan(10);
    // Seeds keep their declared types.
    const types = await db.query(
      `SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns c
        WHERE table_schema = 'raw' AND table_name = 'order_items' ORDER BY ordinal_position`,
    );
    expect(types.map((t) => `${t.column_name} ${t.data_type}`)).toEqual(['order_id integer', 'product_id integer', 'quantity integer', 'unit_price numeric']);
    expect([types[3].numeric_precision, types[3].numeric_scale]).toEqual([12, 2]);

    p.edit('models/analytics/order_totals.sql', /GROUP BY/, "WHERE o.status = 'completed'\nGROUP BY");
    const before = await db.catalog();
    const dev = await p.planAndApply('dev_alice');
    expect(dev.result.built.map((id) => dev.plan.snapshots[id].name).sort()).toEqual([
      'analytics.customers',
      'analytics.daily_revenue',
      'analytics.order_totals',
    ]);
    const added = (await db.catalog()).filter((o) => !before.includes(o));
    expect(added.filter((o) => o.startsWith('analytics__dev_alice.')).sort()).toEqual([
      'analytics__dev_alice.customers view',
      'analytics__dev_alice.daily_revenue view',
      'analytics__dev_alice.order_totals view',
      'analytics__dev_alice.product_sales view',
    ]);
    // Complete by default: a view of every model, the 9 unchanged ones on prod's tables.
    expect(dev.plan.viewSharing).toEqual({ with: 'prod', shared: 9, own: 3 });
    expect(added.filter((o) => o.startsWith('planner__'))).toHaveLength(3);
    expect(await db.query(`SELECT sum(revenue)::text AS r, count(*)::int AS n FROM analytics.daily_revenue`)).toEqual(prodRevenue);
    const completed = await db.query(`SELECT count(*)::int AS n FROM staging.orders WHERE status = 'completed'`);
    expect((await db.query(`SELECT count(*)::int AS n FROM analytics__dev_alice.order_totals`))[0].n).toBe(completed[0].n);

    const catalogBefore = await db.catalog();
    const promote = await p.planAndApply('prod');
    expect(promote.result.built).toEqual([]);
    expect(await db.catalog()).toEqual(catalogBefore);
    expect((await db.query(`SELECT count(*)::int AS n FROM analytics.order_totals`))[0].n).toBe(completed[0].n);
    // Prod's view now reads exactly dev's table.
    const def = await db.query(`SELECT pg_get_viewdef('analytics.order_totals'::regclass) AS d`);
    const devDef = await db.query(`SELECT pg_get_viewdef('analytics__dev_alice.order_totals'::regclass) AS d`);
    expect(def[0].d).toBe(devDef[0].d);

    const fetched = await runCli(['fetchdf', 'SELECT count(*) AS n FROM analytics.order_totals', '--env', 'dev_alice', '--json', '-p', p.dir]);
    expect(fetched.code).toBe(0);
    expect(JSON.parse(fetched.text).rows).toEqual([{ n: completed[0].n }]);
  });

  it('promotes a view whose columns were removed and retyped (drop and recreate in the transaction)', async () => {
    await p.planAndApply('prod');
    p.edit('models/analytics/daily_revenue.sql', /  CAST\(SUM\(units\) AS BIGINT\) AS units,\n/, '');
    p.edit('models/analytics/daily_revenue.sql', 'COUNT(*) AS orders', 'CAST(COUNT(*) AS INTEGER) AS orders');
    await p.planAndApply('prod');
    const cols = await db.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'daily_revenue' ORDER BY ordinal_position`,
    );
    expect(cols.map((c) => `${c.column_name} ${c.data_type}`)).toEqual(['order_date date', 'orders integer', 'revenue numeric']);
  });

  it('loads a seed without declared columns, inferring simple types, quoting hostile header names exactly', async () => {
    p.write('seeds/events.csv', 'id,"Mixed Case","a;b",day,ok,amount,note\n1,x,1,2024-01-02,true,1.50,"quoted, with comma"\n2,,2,2024-01-03,false,2,"line\nbreak"\n');
    p.write('models/raw/events.sql', "MODEL (name raw.events, kind SEED (path '../../seeds/events.csv'));\n");
    await p.planAndApply('prod');
    const cols = await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'events' ORDER BY ordinal_position`);
    expect(cols.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      'id:integer',
      'Mixed Case:text',
      'a;b:integer',
      'day:date',
      'ok:boolean',
      'amount:numeric',
      'note:text',
    ]);
    const rows = await db.query(`SELECT "Mixed Case" AS m, note, amount::text AS a FROM raw.events ORDER BY id`);
    expect(rows).toEqual([
      { m: 'x', note: 'quoted, with comma', a: '1.50' },
      { m: null, note: 'line\nbreak', a: '2' },
    ]);
  });

  it('keeps state in a separate connection when the gateway has a state entry', async () => {
    const stateDb = await PgTestDatabase.create();
    try {
      p.write('planner.config.ts', postgresConfig(db.envVar, `, state: { type: 'postgres', url: process.env.${stateDb.envVar} }`));
      await p.planAndApply('prod');
      expect((await db.query(`SELECT count(*)::int AS n FROM analytics.customers`))[0].n).toBeGreaterThan(0);
      expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'planner_state'`)).toEqual([]);
      const envs = await stateDb.query(`SELECT name FROM planner_state.environments`);
      expect(envs).toEqual([{ name: 'prod' }]);
      expect((await stateDb.query(`SELECT count(*)::int AS n FROM planner_state.physical_tables`))[0].n).toBe(12);
    } finally {
      await stateDb.drop();
    }
  });

  it('reports an unreachable server as one error naming host, port and database, never the password', async () => {
    process.env.PLANNER_T_BAD_URL = 'postgres://alice:hunter2secret@127.0.0.1:1/warehouse';
    p.write('planner.config.ts', postgresConfig('PLANNER_T_BAD_URL'));
    await expect(p.open()).rejects.toThrowError(EngineError);
    const unreachable = await runCli(['plan', 'prod', '--dry-run', '-p', p.dir]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.text).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1, database 'warehouse'/);
    expect(unreachable.text).not.toContain('hunter2secret');
    expect(unreachable.text).not.toMatch(/\n\s+at /);
    // A database that does not exist on a live server: same shape.
    process.env.PLANNER_T_BAD_URL = `${db.url.replace(db.name, 'no_such_db')}`.replace('postgres@', 'postgres:hunter2secret@');
    const missing = await runCli(['plan', 'prod', '--dry-run', '-p', p.dir]);
    expect(missing.code).toBe(1);
    expect(missing.text).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:5432, database 'no_such_db'.*does not exist/);
    expect(missing.text).not.toContain('hunter2secret');
    delete process.env.PLANNER_T_BAD_URL;
  });
});
