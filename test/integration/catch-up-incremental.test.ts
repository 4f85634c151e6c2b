import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { physicalTablesRead } from '../../src/lifecycle/catalog-references.js';
import type { Context } from '../../src/context.js';
import type { Plan } from '../../src/plan/plan.js';
import { physicalTableName } from '../../src/snapshot/physical-names.js';
import { DUCKDB_CONFIG, IncrementalProject, appendLanding, createLanding } from './incremental-fixture.js';

const T0 = '2024-01-15T10:00:00Z';
const T1 = '2024-01-17T10:00:00Z';
const BREAKING = ['COUNT(*) AS events', 'COUNT(DISTINCT e.user_id) AS events'] as const;
const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The physical tables a view reads, from the catalog (not from state). */
async function viewReads(ctx: Context, schema: string, table: string): Promise<string[]> {
  const view = (await ctx.engine.listObjects([schema])).find((o) => o.name.table === table && o.type === 'view');
  return physicalTablesRead(view?.definition ?? '');
}

const tableOf = (plan: Plan, model: string) => {
  const s = plan.snapshots[plan.target[model]];
  const t = physicalTableName(s.model.schema, s.model.table, s.version);
  return `${t.schema}.${t.table}`;
};

/**
 * Issue #12: dev is behind prod for an incremental model whose prod table misses intervals
 * (prod moved to a new version, then time passed without a run). Catching up points dev at
 * prod's table without building or writing it; prod's own run fills the missing days, and
 * dev reads them through its view.
 */
describe('catch-up of an incremental model missing intervals (DuckDB)', () => {
  let p: IncrementalProject;
  beforeEach(async () => {
    p = new IncrementalProject(DUCKDB_CONFIG);
    await p.at(T0, (ctx) => createLanding(ctx.engine, days(1, 14)));
    await p.planApply(T0);
  });
  afterEach(() => p.remove());

  for (const local of ['prod', 'environment'] as const) {
    it(`points dev at prod's table, builds nothing and writes nothing there; prod's run fills the days (local project has the ${local}'s definition)`, async () => {
      // dev starts complete, reading prod's tables.
      const created = await p.planApply(T0, 'dev');
      expect(created.result.built).toEqual([]);

      // A breaking change to daily_events reaches prod; dev still reads the old version.
      p.edit('models/analytics/daily_events.sql', ...BREAKING);
      const moved = await p.planApply(T0, 'prod');
      expect(moved.plan.directlyModified).toEqual([{ name: 'analytics.daily_events', category: 'breaking' }]);
      const prodDaily = tableOf(moved.plan, 'analytics.daily_events');
      const oldDaily = tableOf(created.plan, 'analytics.daily_events');
      expect(prodDaily).not.toBe(oldDaily);
      if (local === 'environment') p.edit('models/analytics/daily_events.sql', BREAKING[1], BREAKING[0]);

      // Two days land and pass; prod has not run: its new table misses [15th, 17th).
      await p.at(T1, (ctx) => appendLanding(ctx.engine, [15, 16]));
      const behind = await p.at(T1, async (ctx) => ctx.behindProd(await ctx.requireEnvironment('dev')));
      expect(behind.map((b) => [b.model, b.since]).sort()).toEqual([
        ['analytics.daily_events', moved.plan.id],
        ['analytics.event_totals', moved.plan.id],
      ]);
      const prodRowsBefore = await p.rows(T1, 'SELECT count(*) AS n, max(event_date) AS last FROM analytics.daily_events');
      expect(Number(prodRowsBefore[0].n)).toBe(28);

      const sync = await p.planApply(T1, 'dev');
      expect(sync.plan.caughtUp?.map((c) => [c.model, c.since])).toEqual([
        ['analytics.daily_events', moved.plan.id],
        ['analytics.event_totals', moved.plan.id],
      ]);
      expect(sync.plan.directlyModified).toEqual([]);
      // Prod's table is prod's to fill: a dev plan never writes it.
      expect(sync.plan.builds).toEqual([]);
      expect(sync.result.built).toEqual([]);
      expect(tableOf(sync.plan, 'analytics.daily_events')).toBe(prodDaily);
      await p.at(T1, async (ctx) => {
        expect(await viewReads(ctx, 'analytics__dev', 'daily_events')).toEqual([prodDaily]);
        expect(await viewReads(ctx, 'analytics__dev', 'daily_events')).toEqual(await viewReads(ctx, 'analytics', 'daily_events'));
        expect(await ctx.behindProd(await ctx.requireEnvironment('dev'))).toEqual([]);
        // A run of dev leaves prod's table alone too.
        expect((await ctx.run('dev')).models.map((m) => m.model)).not.toContain('analytics.daily_events');
      });
      expect(await p.rows(T1, 'SELECT count(*) AS n FROM analytics.daily_events')).toEqual([{ n: prodRowsBefore[0].n }]);

      // Prod's run computes the missing days once; dev answers them through its view.
      const ran = await p.at(T1, (ctx) => ctx.run('prod'));
      const dailyRun = ran.models.find((m) => m.model === 'analytics.daily_events');
      expect(dailyRun?.intervals.map((i) => [new Date(i.start).toISOString().slice(0, 10), new Date(i.end).toISOString().slice(0, 10)])).toEqual([['2024-01-15', '2024-01-17']]);
      // Prod's new definition counts distinct users (3 a day), not events.
      const devDays = await p.rows(T1, `SELECT CAST(event_date AS VARCHAR) AS d, event_type, events FROM analytics__dev.daily_events WHERE event_date >= DATE '2024-01-15' ORDER BY 1, 2`);
      expect(devDays.map((r) => [r.d, r.event_type, Number(r.events)])).toEqual([
        ['2024-01-15', 'click', 3],
        ['2024-01-15', 'view', 3],
        ['2024-01-16', 'click', 3],
        ['2024-01-16', 'view', 3],
      ]);
      const devAll = await p.rows(T1, 'SELECT count(*) AS n FROM analytics__dev.daily_events');
      expect(Number(devAll[0].n)).toBe(32);
    });
  }
});
