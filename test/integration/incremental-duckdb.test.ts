import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { builtKey } from '../../src/state/state-store.js';
import { IncrementalProject, DUCKDB_CONFIG, appendLanding, createLanding, expectedEvents } from './incremental-fixture.js';

const day = (d: number) => `2024-01-${String(d).padStart(2, '0')}`;
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('incremental models on DuckDB', () => {
  let p: IncrementalProject;
  beforeEach(async () => {
    p = new IncrementalProject(DUCKDB_CONFIG);
    await p.at('2024-01-15T10:00:00Z', (ctx) => createLanding(ctx.engine, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));
  });
  afterEach(() => p.remove());

  it('backfills exactly the cron intervals, then has nothing to do, then runs exactly the new day', async () => {
    const { plan } = await p.planApply('2024-01-15T10:00:00Z');
    const daily = plan.snapshots[plan.target['analytics.daily_events']];
    const batches = plan.backfill[daily.id].batches.map((b) => [new Date(b.start).toISOString().slice(0, 10), new Date(b.end).toISOString().slice(0, 10)]);
    expect(batches).toEqual([
      ['2024-01-01', '2024-01-06'],
      ['2024-01-06', '2024-01-11'],
      ['2024-01-11', '2024-01-15'],
    ]);
    const perDay = await p.rows('2024-01-15T10:00:00Z', `SELECT CAST(event_date AS VARCHAR) AS d, event_type, events FROM analytics.daily_events ORDER BY 1, 2`);
    expect(perDay).toHaveLength(28);
    for (const r of perDay) expect(Number(r.events)).toBe(expectedEvents(Number(String(r.d).slice(8)), r.event_type as 'click' | 'view'));
    const totals = await p.rows('2024-01-15T10:00:00Z', `SELECT event_type, events, day_rows FROM analytics.event_totals ORDER BY 1`);
    expect(totals.map((r) => Number(r.day_rows))).toEqual([14, 14]);

    // State holds one merged row per version.
    const stored = await p.at('2024-01-15T10:00:00Z', (ctx) => ctx.state.getIntervals([builtKey(daily.name, daily.version)]));
    expect(stored.get(builtKey(daily.name, daily.version))).toEqual([{ start: ms(day(1)), end: ms(day(15)) }]);
    const rowCount = await p.rows('2024-01-15T10:00:00Z', `SELECT count(*) AS n FROM planner_state.intervals`);
    expect(Number(rowCount[0].n)).toBe(3);

    // Same clock: a second plan and a run build nothing.
    const again = await p.at('2024-01-15T23:00:00Z', (ctx) => ctx.plan('prod'));
    expect(again.builds).toEqual([]);
    const idle = await p.at('2024-01-15T23:00:00Z', (ctx) => ctx.run('prod'));
    expect(idle.models).toEqual([]);

    // A new day lands; the clock moves past midnight: run computes exactly that day.
    await p.at('2024-01-16T01:00:00Z', (ctx) => appendLanding(ctx.engine, [15]));
    const ran = await p.at('2024-01-16T01:00:00Z', (ctx) => ctx.run('prod'));
    // daily_events before event_totals, which reads it.
    expect(ran.models.map((m) => m.model).indexOf('analytics.daily_events')).toBeLessThan(ran.models.map((m) => m.model).indexOf('analytics.event_totals'));
    expect(ran.models.map((m) => [m.model, m.intervals.map((i) => [new Date(i.start).toISOString().slice(0, 10), new Date(i.end).toISOString().slice(0, 10)])]).sort()).toEqual([
      ['analytics.daily_events', [['2024-01-15', '2024-01-16']]],
      ['analytics.event_totals', [['2024-01-15', '2024-01-16']]],
      ['analytics.user_last_seen', [['2024-01-15', '2024-01-16']]],
    ].sort());
    const day15 = await p.rows('2024-01-16T01:00:00Z', `SELECT event_type, events FROM analytics.daily_events WHERE event_date = DATE '2024-01-15' ORDER BY 1`);
    expect(day15.map((r) => Number(r.events))).toEqual([expectedEvents(15, 'click'), expectedEvents(15, 'view')]);
    const all = await p.rows('2024-01-16T01:00:00Z', `SELECT count(*) AS n FROM analytics.daily_events`);
    expect(Number(all[0].n)).toBe(30);
    const totalsAfter = await p.rows('2024-01-16T01:00:00Z', `SELECT day_rows FROM analytics.event_totals ORDER BY event_type`);
    expect(totalsAfter.map((r) => Number(r.day_rows))).toEqual([15, 15]);
    const rowsAfter = await p.rows('2024-01-16T01:00:00Z', `SELECT count(*) AS n FROM planner_state.intervals`);
    expect(Number(rowsAfter[0].n)).toBe(3);
    const idleAgain = await p.at('2024-01-16T05:00:00Z', (ctx) => ctx.run('prod'));
    expect(idleAgain.models).toEqual([]);
  });
});

describe('changing incremental models on DuckDB', () => {
  let p: IncrementalProject;
  const T0 = '2024-01-15T10:00:00Z';
  const days = Array.from({ length: 14 }, (_, i) => i + 1);
  beforeEach(async () => {
    p = new IncrementalProject(DUCKDB_CONFIG);
    await p.at(T0, (ctx) => createLanding(ctx.engine, days));
    await p.planApply(T0);
  });
  afterEach(() => p.remove());

  const prodState = () =>
    p.rows(T0, `SELECT name, version, start_ms, end_ms FROM planner_state.intervals ORDER BY 1, 2, 3`);
  const prodDaily = () => p.rows(T0, `SELECT CAST(event_date AS VARCHAR) AS d, event_type, events FROM analytics.daily_events ORDER BY 1, 2`);

  it('backfills a breaking change in dev only over --start/--end, leaves prod alone, and promotion reuses it', async () => {
    const stateBefore = await prodState();
    const prodBefore = await prodDaily();
    p.edit('models/analytics/daily_events.sql', 'COUNT(*) AS events', 'COUNT(DISTINCT e.user_id) AS events');
    const dev = await p.planApply(T0, 'dev', { start: '2024-01-10', end: '2024-01-12' });
    expect(dev.plan.directlyModified).toEqual([{ name: 'analytics.daily_events', category: 'breaking' }]);
    const devDaily = dev.plan.snapshots[dev.plan.target['analytics.daily_events']];
    expect(dev.plan.backfill[devDaily.id].batches.map((b) => [b.start, b.end])).toEqual([[ms(day(10)), ms(day(13))]]);
    const devRows = await p.rows(T0, `SELECT CAST(event_date AS VARCHAR) AS d, count(*) AS n, max(events) AS users FROM analytics__dev.daily_events GROUP BY 1 ORDER BY 1`);
    expect(devRows.map((r) => [r.d, Number(r.n), Number(r.users)])).toEqual([
      [day(10), 2, 3],
      [day(11), 2, 3],
      [day(12), 2, 3],
    ]);
    // Prod: same rows, same intervals (plus the dev version's own).
    expect(await prodDaily()).toEqual(prodBefore);
    const stateAfter = await prodState();
    expect(stateAfter.filter((r) => r.version !== devDaily.version && r.version !== dev.plan.snapshots[dev.plan.target['analytics.event_totals']].version)).toEqual(stateBefore);

    const prod = await p.planApply(T0, 'prod');
    const prodSnap = prod.plan.snapshots[prod.plan.target['analytics.daily_events']];
    expect(prodSnap.id).toBe(devDaily.id);
    // Only what dev did not compute: before the 10th and after the 12th.
    expect(prod.plan.backfill[devDaily.id].batches.map((b) => [b.start, b.end])).toEqual([
      [ms(day(1)), ms(day(6))],
      [ms(day(6)), ms(day(10))],
      [ms(day(13)), ms(day(15))],
    ]);
    const prodNow = await p.rows(T0, `SELECT count(*) AS n, min(events) AS lo, max(events) AS hi FROM analytics.daily_events`);
    expect([Number(prodNow[0].n), Number(prodNow[0].lo), Number(prodNow[0].hi)]).toEqual([28, 1, 3]);
    const totals = await p.rows(T0, `SELECT day_rows FROM analytics.event_totals ORDER BY event_type`);
    expect(totals.map((r) => Number(r.day_rows))).toEqual([14, 14]);
    // Everything prod holds is complete now: promoting again computes nothing.
    expect((await p.at(T0, (ctx) => ctx.plan('prod'))).builds).toEqual([]);
  });

  it('applies a forward-only change from now on: no history recomputed, the table keeps its rows, the new column fills from the next run', async () => {
    const prodBefore = await prodDaily();
    const tableBefore = await p.rows(T0, `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = 'planner__analytics' ORDER BY 2`);
    p.edit('models/analytics/daily_events.sql', 'COUNT(*) AS events', 'COUNT(*) AS events,\n  COUNT(DISTINCT e.user_id) AS users');

    // In dev: a preview table of its own over the latest day; prod's table untouched.
    const dev = await p.planApply(T0, 'dev', { forwardOnly: true });
    expect(dev.plan.directlyModified).toEqual([{ name: 'analytics.daily_events', category: 'forward-only' }]);
    const preview = dev.plan.snapshots[dev.plan.target['analytics.daily_events']];
    expect(preview.physical.table.endsWith('__dev')).toBe(true);
    expect(dev.plan.backfill[preview.id].batches.map((b) => [b.start, b.end])).toEqual([[ms(day(14)), ms(day(15))]]);
    const devRows = await p.rows(T0, `SELECT CAST(event_date AS VARCHAR) AS d, users FROM analytics__dev.daily_events ORDER BY 1, 2`);
    expect(devRows.map((r) => [r.d, Number(r.users)])).toEqual([
      [day(14), 3],
      [day(14), 3],
    ]);
    // The FULL mart downstream reads the preview in dev: a preview too.
    const devTotals = dev.plan.snapshots[dev.plan.target['analytics.event_totals']];
    expect(devTotals.physical.table.endsWith('__dev')).toBe(true);
    expect(await prodDaily()).toEqual(prodBefore);

    // In prod: nothing built, the same table, a new column.
    const prod = await p.planApply(T0, 'prod', { forwardOnly: true });
    expect(prod.plan.builds).toEqual([]);
    expect(prod.result.built).toEqual([]);
    const tableAfter = await p.rows(T0, `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = 'planner__analytics' AND table_name NOT LIKE '%__dev' ORDER BY 2`);
    expect(tableAfter).toEqual(tableBefore);
    const kept = await p.rows(T0, `SELECT CAST(event_date AS VARCHAR) AS d, event_type, events FROM analytics.daily_events ORDER BY 1, 2`);
    expect(kept).toEqual(prodBefore);
    const nulls = await p.rows(T0, `SELECT count(*) AS n FROM analytics.daily_events WHERE users IS NULL`);
    expect(Number(nulls[0].n)).toBe(28);

    await p.at('2024-01-16T01:00:00Z', (ctx) => appendLanding(ctx.engine, [15]));
    await p.at('2024-01-16T01:00:00Z', (ctx) => ctx.run('prod'));
    const filled = await p.rows(T0, `SELECT CAST(event_date AS VARCHAR) AS d, count(users) AS with_users, count(*) AS n FROM analytics.daily_events GROUP BY 1 HAVING count(users) > 0 ORDER BY 1`);
    expect(filled.map((r) => [r.d, Number(r.with_users), Number(r.n)])).toEqual([[day(15), 2, 2]]);
  });

  it('refuses a forward-only change that would drop a column unless allowed, changing nothing', async () => {
    p.edit('models/analytics/daily_events.sql', '  e.event_type,\n', '');
    p.edit('models/analytics/daily_events.sql', 'GROUP BY 1, 2', 'GROUP BY 1');
    const stateBefore = await prodState();
    await expect(p.planApply(T0, 'prod', { forwardOnly: true })).rejects.toThrow(/would drop column event_type/);
    expect(await prodState()).toEqual(stateBefore);
    const cols = await p.rows(T0, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'daily_events' ORDER BY ordinal_position`);
    expect(cols.map((c) => c.column_name)).toEqual(['event_date', 'event_type', 'events']);

    await p.planApply(T0, 'prod', { forwardOnly: true, allowDestructive: true });
    const after = await p.rows(T0, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'daily_events' ORDER BY ordinal_position`);
    expect(after.map((c) => c.column_name)).toEqual(['event_date', 'events']);
  });

  it('restates exactly the given days in place, and the models downstream', async () => {
    // Late corrections: the 3rd to the 5th lose their view events.
    await p.at(T0, (ctx) => ctx.engine.execute(`DELETE FROM landing.events WHERE event_type = 'view' AND event_ts >= TIMESTAMP '2024-01-03' AND event_ts < TIMESTAMP '2024-01-06'`));
    const before = await prodDaily();
    const { plan } = await p.planApply(T0, 'prod', { restateModels: ['analytics.daily_events'], start: '2024-01-03', end: '2024-01-05' });
    const daily = plan.snapshots[plan.target['analytics.daily_events']];
    expect(plan.backfill[daily.id].restate).toEqual([{ start: ms(day(3)), end: ms(day(6)) }]);
    expect(plan.backfill[daily.id].batches.map((b) => [b.start, b.end])).toEqual([[ms(day(3)), ms(day(6))]]);
    expect(plan.builds.map((id) => plan.snapshots[id].name).sort()).toEqual(['analytics.daily_events', 'analytics.event_totals']);
    const after = await prodDaily();
    expect(after.length).toBe(before.length - 3);
    const changed = before.filter((r) => !after.some((a) => a.d === r.d && a.event_type === r.event_type && a.events === r.events));
    expect(changed.map((r) => `${r.d} ${r.event_type}`)).toEqual([`${day(3)} view`, `${day(4)} view`, `${day(5)} view`]);
    const totals = await p.rows(T0, `SELECT event_type, day_rows FROM analytics.event_totals ORDER BY 1`);
    expect(totals.map((r) => Number(r.day_rows))).toEqual([14, 11]);
    // Still one merged row per version.
    expect(await prodState()).toHaveLength(3);
  });

  it('merges INCREMENTAL_BY_UNIQUE_KEY rows on the key', async () => {
    const before = await p.rows(T0, `SELECT user_id, CAST(last_seen AS VARCHAR) AS last_seen FROM analytics.user_last_seen ORDER BY 1`);
    expect(before.map((r) => r.last_seen)).toEqual(['2024-01-14 15:15:00', '2024-01-14 13:15:00', '2024-01-14 14:15:00']);
    await p.at('2024-01-16T01:00:00Z', async (ctx) => {
      await appendLanding(ctx.engine, [15]);
      await ctx.run('prod');
    });
    const after = await p.rows(T0, `SELECT user_id, CAST(last_seen AS VARCHAR) AS last_seen, events_that_day FROM analytics.user_last_seen ORDER BY 1`);
    expect(after.map((r) => [Number(r.user_id), r.last_seen, Number(r.events_that_day)])).toEqual([
      [1, '2024-01-15 15:15:00', 6],
      [2, '2024-01-15 16:15:00', 6],
      [3, '2024-01-15 14:15:00', 5],
    ]);
  });
});

describe('incremental safety on DuckDB', () => {
  let p: IncrementalProject;
  const T0 = '2024-01-15T10:00:00Z';
  beforeEach(async () => {
    p = new IncrementalProject(DUCKDB_CONFIG);
    await p.at(T0, (ctx) => createLanding(ctx.engine, Array.from({ length: 14 }, (_, i) => i + 1)));
  });
  afterEach(() => {
    delete process.env.PLANNER_TEST_FAIL_AT;
    p.remove();
  });

  it('refuses an unsupported cron naming the file and line, changing nothing', async () => {
    p.edit('models/analytics/daily_events.sql', "cron '@daily'", "cron '*/5 * * * *'");
    const err = (await p.planApply(T0).then(
      () => undefined,
      (e: unknown) => e,
    )) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.display).toBe("models/analytics/daily_events.sql:5:3: unsupported cron '*/5 * * * *'");
    expect(err.exitCode).toBe(2);
    const tables = await p.rows(T0, `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema NOT IN ('planner_state', 'landing')`);
    expect(Number(tables[0].n)).toBe(0);
  });

  it('resumes a failed backfill after its last recorded batch', async () => {
    process.env.PLANNER_TEST_FAIL_AT = 'after-batch:2';
    await expect(p.planApply(T0)).rejects.toThrow(/injected failure at after-batch/);
    delete process.env.PLANNER_TEST_FAIL_AT;
    const kept = await p.rows(T0, `SELECT start_ms, end_ms FROM planner_state.intervals WHERE name = 'analytics.daily_events'`);
    expect(kept.map((r) => [Number(r.start_ms), Number(r.end_ms)])).toEqual([[ms(day(1)), ms(day(11))]]);
    const { plan } = await p.planApply(T0);
    const daily = plan.snapshots[plan.target['analytics.daily_events']];
    expect(plan.backfill[daily.id].batches.map((b) => [b.start, b.end])).toEqual([[ms(day(11)), ms(day(15))]]);
    const rows = await p.rows(T0, `SELECT count(*) AS n, count(DISTINCT event_date) AS days FROM analytics.daily_events`);
    expect([Number(rows[0].n), Number(rows[0].days)]).toEqual([28, 14]);
  });

  it('computes a version again from its start when its table was dropped but its intervals were left', async () => {
    await p.planApply(T0);
    p.edit('models/analytics/daily_events.sql', 'COUNT(*) AS events', 'COUNT(DISTINCT e.user_id) AS events');
    const dev = await p.planApply(T0, 'dev');
    const v2 = dev.plan.snapshots[dev.plan.target['analytics.daily_events']];
    // As a janitor that dropped dev's table but failed to forget its intervals would leave it.
    await p.at(T0, async (ctx) => {
      await ctx.state.deleteEnvironment('dev', dev.plan.id);
      await ctx.engine.dropView({ schema: 'analytics__dev', table: 'event_totals' });
      await ctx.engine.dropView({ schema: 'analytics__dev', table: 'daily_events' });
      const totals = dev.plan.snapshots[dev.plan.target['analytics.event_totals']];
      await ctx.engine.dropTable(totals.physical);
      await ctx.engine.dropTable(v2.physical);
      await ctx.state.deleteBuiltTables([v2, totals].map((s) => ({ name: s.name, version: s.version })));
    });
    const again = await p.planApply(T0, 'dev2');
    expect(again.plan.backfill[v2.id].batches.map((b) => [b.start, b.end])).toEqual([
      [ms(day(1)), ms(day(6))],
      [ms(day(6)), ms(day(11))],
      [ms(day(11)), ms(day(15))],
    ]);
    const rows = await p.rows(T0, `SELECT count(*) AS n FROM analytics__dev2.daily_events`);
    expect(Number(rows[0].n)).toBe(28);
  });
});
