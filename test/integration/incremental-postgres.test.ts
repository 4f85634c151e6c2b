import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgTestDatabase, postgresConfig, postgresServer } from '../helpers/postgres.js';
import { IncrementalProject, appendLanding, createLanding, expectedEvents } from './incremental-fixture.js';

const server = await postgresServer();
const T0 = '2024-01-15T10:00:00Z';
const ms = (d: number) => Date.UTC(2024, 0, d);

describe.skipIf(!server.available)(`incremental models on PostgreSQL${server.note}`, () => {
  let db: PgTestDatabase;
  let p: IncrementalProject;
  beforeEach(async () => {
    db = await PgTestDatabase.create();
    p = new IncrementalProject(postgresConfig(db.envVar));
    await p.at(T0, (ctx) => createLanding(ctx.engine, Array.from({ length: 14 }, (_, i) => i + 1)));
  });
  afterEach(async () => {
    p.remove();
    await db.drop();
  });

  const perDay = () => db.query(`SELECT event_date::text AS d, event_type, events::int AS events FROM analytics.daily_events ORDER BY 1, 2`);

  it('backfills, runs exactly the new day, keeps history through a forward-only change, and restates three days', async () => {
    const { plan } = await p.planApply(T0);
    const daily = plan.snapshots[plan.target['analytics.daily_events']];
    expect(plan.backfill[daily.id].batches.map((b) => [b.start, b.end])).toEqual([
      [ms(1), ms(6)],
      [ms(6), ms(11)],
      [ms(11), ms(15)],
    ]);
    const rows = await perDay();
    expect(rows).toHaveLength(28);
    for (const r of rows) expect(r.events).toBe(expectedEvents(Number(r.d.slice(8)), r.event_type));
    expect((await p.at(T0, (ctx) => ctx.plan('prod'))).builds).toEqual([]);
    expect((await p.at(T0, (ctx) => ctx.run('prod'))).models).toEqual([]);

    await p.at('2024-01-16T01:00:00Z', (ctx) => appendLanding(ctx.engine, [15]));
    const ran = await p.at('2024-01-16T01:00:00Z', (ctx) => ctx.run('prod'));
    expect(ran.models.map((m) => m.intervals)).toEqual([[{ start: ms(15), end: ms(16) }], [{ start: ms(15), end: ms(16) }], [{ start: ms(15), end: ms(16) }]]);
    expect(await perDay()).toHaveLength(30);
    expect((await db.query(`SELECT day_rows::int AS n FROM analytics.event_totals ORDER BY event_type`)).map((r) => r.n)).toEqual([15, 15]);
    expect((await db.query(`SELECT count(*)::int AS n FROM planner_state.intervals`))[0].n).toBe(3);

    // Forward-only: the same table, its 30 rows kept, a new column the prod view shows.
    const before = await perDay();
    p.edit('models/analytics/daily_events.sql', 'COUNT(*) AS events', 'COUNT(*) AS events,\n  COUNT(DISTINCT e.user_id) AS users');
    const fo = await p.planApply('2024-01-16T02:00:00Z', 'prod', { forwardOnly: true });
    expect(fo.plan.builds).toEqual([]);
    expect(fo.plan.snapshots[fo.plan.target['analytics.daily_events']].physical).toEqual(daily.physical);
    expect(await perDay()).toEqual(before);
    expect((await db.query(`SELECT count(*)::int AS n FROM analytics.daily_events WHERE users IS NULL`))[0].n).toBe(30);
    await p.at('2024-01-17T01:00:00Z', async (ctx) => {
      await appendLanding(ctx.engine, [16]);
      await ctx.run('prod');
    });
    expect(await db.query(`SELECT event_date::text AS d, count(users)::int AS n FROM analytics.daily_events WHERE users IS NOT NULL GROUP BY 1`)).toEqual([{ d: '2024-01-16', n: 2 }]);

    // Restate the 3rd to the 5th after their view events were deleted upstream.
    await db.query(`DELETE FROM landing.events WHERE event_type = 'view' AND event_ts >= '2024-01-03' AND event_ts < '2024-01-06'`);
    const restated = await p.planApply('2024-01-17T02:00:00Z', 'prod', { restateModels: ['analytics.daily_events'], start: '2024-01-03', end: '2024-01-05' });
    expect(restated.plan.backfill[restated.plan.target['analytics.daily_events']].batches.map((b) => [b.start, b.end])).toEqual([[ms(3), ms(6)]]);
    const after = await perDay();
    expect(after).toHaveLength(32 - 3);
    expect(after.filter((r) => r.d >= '2024-01-03' && r.d <= '2024-01-05').map((r) => r.event_type)).toEqual(['click', 'click', 'click']);
    // Restated days were recomputed by the new query: users filled there too.
    expect((await db.query(`SELECT count(*)::int AS n FROM analytics.daily_events WHERE users IS NOT NULL`))[0].n).toBe(2 + 3);
    expect((await db.query(`SELECT count(*)::int AS n FROM planner_state.intervals`))[0].n).toBe(3);
  });

  it('backfills a dev change only over its range, previews forward-only changes in a table of their own, and promotion reuses dev', async () => {
    await p.planApply(T0);
    const prodBefore = await perDay();
    const catalogBefore = await db.catalog();
    p.edit('models/analytics/daily_events.sql', 'COUNT(*) AS events', 'COUNT(DISTINCT e.user_id) AS events');
    const dev = await p.planApply(T0, 'dev', { start: '2024-01-10', end: '2024-01-12' });
    const devDaily = dev.plan.snapshots[dev.plan.target['analytics.daily_events']];
    expect(await db.query(`SELECT DISTINCT event_date::text AS d FROM analytics__dev.daily_events ORDER BY 1`)).toEqual([{ d: '2024-01-10' }, { d: '2024-01-11' }, { d: '2024-01-12' }]);
    expect(await perDay()).toEqual(prodBefore);
    // Dev added its own tables and views; every prod object is still there.
    expect((await db.catalog()).filter((o) => catalogBefore.includes(o))).toEqual(catalogBefore);

    const promote = await p.planApply(T0, 'prod');
    expect(promote.plan.backfill[devDaily.id].batches.map((b) => [b.start, b.end])).toEqual([
      [ms(1), ms(6)],
      [ms(6), ms(10)],
      [ms(13), ms(15)],
    ]);
    expect((await db.query(`SELECT count(*)::int AS n, max(events)::int AS hi FROM analytics.daily_events`))[0]).toEqual({ n: 28, hi: 3 });

    // A forward-only change previewed in dev: a __dev table over the last day; prod keeps reading its table.
    p.edit('models/analytics/daily_events.sql', 'COUNT(DISTINCT e.user_id) AS events', 'COUNT(DISTINCT e.user_id) AS events,\n  MAX(e.event_ts) AS last_event_at');
    const preview = await p.planApply(T0, 'dev', { forwardOnly: true });
    const previewed = preview.plan.snapshots[preview.plan.target['analytics.daily_events']];
    expect(previewed.physical.table.endsWith('__dev')).toBe(true);
    expect(await db.query(`SELECT DISTINCT event_date::text AS d FROM analytics__dev.daily_events`)).toEqual([{ d: '2024-01-14' }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'daily_events' AND column_name = 'last_event_at'`)).toEqual([{ n: 0 }]);
  });

  it('drops a column in a forward-only change when allowed, though environment views read the table', async () => {
    await p.planApply(T0);
    await p.planApply(T0, 'dev', { includeUnmodified: true });
    p.edit('models/analytics/daily_events.sql', '  e.event_type,\n', '');
    p.edit('models/analytics/daily_events.sql', 'GROUP BY 1, 2', 'GROUP BY 1');
    p.edit('models/analytics/event_totals.sql', /SELECT event_type, /, "SELECT 'all' AS event_type, ");
    p.edit('models/analytics/event_totals.sql', /GROUP BY event_type/, '');
    await expect(p.planApply(T0, 'prod', { forwardOnly: true })).rejects.toThrow(/would drop column event_type/);
    await p.planApply(T0, 'prod', { forwardOnly: true, allowDestructive: true });
    const cols = (schema: string) =>
      db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'daily_events' ORDER BY ordinal_position`, [schema]);
    expect((await cols('analytics')).map((c) => c.column_name)).toEqual(['event_date', 'events']);
    // Dev's view of the same table was recreated with it, not dropped.
    expect((await cols('analytics__dev')).map((c) => c.column_name)).toEqual(['event_date', 'events']);
    expect(Number((await db.query('SELECT count(*) AS n FROM analytics.daily_events'))[0].n)).toBe(28);
  });

  it("keeps a sanitized environment's view masking when a forward-only change drops a column under it (#18)", async () => {
    p.write('planner.config.ts', postgresConfig(db.envVar).replace("environments: {", "masking: { 'analytics.daily_events.events': 'null' },\n  environments: { dev: { sanitized: true },"));
    await p.planApply(T0);
    await p.planApply(T0, 'dev', { includeUnmodified: true });
    const devEvents = () => db.query('SELECT count(*)::int AS n, count(events)::int AS shown FROM analytics__dev.daily_events');
    expect(await devEvents()).toEqual([{ n: 28, shown: 0 }]);
    p.edit('models/analytics/daily_events.sql', '  e.event_type,\n', '');
    p.edit('models/analytics/daily_events.sql', 'GROUP BY 1, 2', 'GROUP BY 1');
    p.edit('models/analytics/event_totals.sql', /SELECT event_type, /, "SELECT 'all' AS event_type, ");
    p.edit('models/analytics/event_totals.sql', /GROUP BY event_type/, '');
    await p.planApply(T0, 'prod', { forwardOnly: true, allowDestructive: true });
    // The view was dropped for the ALTER and made again: still masking, over the table's new columns.
    expect(await devEvents()).toEqual([{ n: 28, shown: 0 }]);
    expect(Number((await db.query('SELECT count(events) AS n FROM analytics.daily_events'))[0].n)).toBe(28);
  });

  it("refuses a destructive forward-only change that would lose a user's view over the table", async () => {
    await p.planApply(T0);
    const [{ t }] = await db.query(`SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE tablename LIKE 'analytics__daily_events__%'`);
    await db.query('CREATE SCHEMA reporting');
    await db.query(`CREATE VIEW reporting.clicks AS SELECT event_date, events FROM ${String(t).split('.').map((x) => `"${x}"`).join('.')} WHERE event_type = 'click'`);
    p.edit('models/analytics/daily_events.sql', '  e.event_type,\n', '');
    p.edit('models/analytics/daily_events.sql', 'GROUP BY 1, 2', 'GROUP BY 1');
    p.edit('models/analytics/event_totals.sql', /SELECT event_type, /, "SELECT 'all' AS event_type, ");
    p.edit('models/analytics/event_totals.sql', /GROUP BY event_type/, '');
    await expect(p.planApply(T0, 'prod', { forwardOnly: true, allowDestructive: true })).rejects.toThrow(/would drop or retype columns that view reporting\.clicks reads/);
    expect((await db.query('SELECT count(*) AS n FROM reporting.clicks'))[0].n).toBeDefined();
  });
});
