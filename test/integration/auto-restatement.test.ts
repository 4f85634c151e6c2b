import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { CrashPoints, InjectedFailure } from '../../src/plan/crash-points.js';

const server = await postgresServer();
const at = (day: number, hour = 6) => () => new Date(Date.UTC(2024, 0, day, hour));

// Each day's batch sums that day's events; when the daily auto-restatement is due, the
// last two days are computed again (late corrections to the source).
const daily = `MODEL (
  name core.daily,
  kind INCREMENTAL_BY_TIME_RANGE (time_column day, batch_size 1, auto_restatement_cron '@daily', auto_restatement_intervals 2),
  cron '@daily',
  start '2024-01-01'
);
SELECT day, SUM(v) AS total FROM raw.events WHERE day BETWEEN @start_ds AND @end_ds GROUP BY day`;

// Downstream, without auto-restatement of its own: it is restated with its parent.
const scaled = `MODEL (
  name core.scaled,
  kind INCREMENTAL_BY_TIME_RANGE (time_column day),
  cron '@daily',
  start '2024-01-01'
);
SELECT day, total * 10 AS scaled FROM core.daily WHERE day BETWEEN @start_ds AND @end_ds`;

const totals = (table: string, column: string) => `SELECT CAST(day AS VARCHAR) AS day, CAST(${column} AS INTEGER) AS n FROM ${table.includes('.') ? table : `core.${table}`} ORDER BY day`;
const days = (values: number[]) => values.map((n, i) => ({ day: `2024-01-0${i + 1}`, n }));

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`auto_restatement_cron on ${engine.name}`, () => {
    const projects = projectsOn(engine);

    /** Prod applied on 5 January: 1-4 January computed from events worth 1 each day. */
    async function setup(): Promise<EngineProject> {
      const e = await projects.setup({ 'models/daily.sql': daily, 'models/scaled.sql': scaled });
      await e.sql('CREATE SCHEMA raw');
      await e.sql('CREATE TABLE raw.events (day DATE, v INTEGER)');
      await e.sql("INSERT INTO raw.events VALUES ('2024-01-01', 1), ('2024-01-02', 1), ('2024-01-03', 1), ('2024-01-04', 1), ('2024-01-05', 1)");
      await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(5) });
      // Late corrections to every old day.
      await e.sql('UPDATE raw.events SET v = 7');
      return e;
    }

    it('restates the last 2 intervals once per cron tick, and the downstream model with them', async () => {
      const p = await setup();
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 1]));

      // Before the cron's first tick after the snapshot was made: nothing is restated.
      const early = await p.project.with((ctx) => ctx.run('prod'), { now: at(5, 20) });
      expect(early.autoRestated).toBeUndefined();
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 1]));

      // 6 January: the cron is due: 4 January is computed again, 5 January for the first time; 1-3 keep their values.
      const due = await p.project.with((ctx) => ctx.run('prod'), { now: at(6, 1) });
      expect(due.autoRestated).toEqual([
        { model: 'core.daily', intervals: [{ start: Date.UTC(2024, 0, 4), end: Date.UTC(2024, 0, 5) }] },
        { model: 'core.scaled', intervals: [{ start: Date.UTC(2024, 0, 4), end: Date.UTC(2024, 0, 5) }] },
      ]);
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 7, 7]));
      expect(await p.sql(totals('scaled', 'scaled'))).toEqual(days([10, 10, 10, 70, 70]));

      // Same tick: no second restatement.
      await p.sql('UPDATE raw.events SET v = 9');
      const again = await p.project.with((ctx) => ctx.run('prod'), { now: at(6, 5) });
      expect(again.autoRestated).toBeUndefined();
      expect(again.models).toEqual([]);
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 7, 7]));

      // Next tick: 5 and 6 January.
      await p.sql("INSERT INTO raw.events VALUES ('2024-01-06', 9)");
      await p.project.with((ctx) => ctx.run('prod'), { now: at(7, 1) });
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 7, 9, 9]));
      expect(await p.sql(totals('scaled', 'scaled'))).toEqual(days([10, 10, 10, 70, 90, 90]));
    });

    it('a run that fails midway restates again on the next run of the same tick', async () => {
      const p = await setup();
      // The first batch (4 January) commits, then the run fails: 5 January and the downstream model are not done.
      await expect(p.project.with((ctx) => ctx.run('prod'), { now: at(6, 1), crashPoints: new CrashPoints({ failAt: 'after-batch:1' }) })).rejects.toBeInstanceOf(InjectedFailure);
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 7]));
      expect(await p.sql(totals('scaled', 'scaled'))).toEqual(days([10, 10, 10, 10]));

      const rerun = await p.project.with((ctx) => ctx.run('prod'), { now: at(6, 2) });
      // core.scaled forgot its 4 January in the failed run already: it is computed again like any gap.
      expect(rerun.autoRestated?.map((r) => r.model)).toEqual(['core.daily']);
      expect(await p.sql(totals('daily', 'total'))).toEqual(days([1, 1, 1, 7, 7]));
      expect(await p.sql(totals('scaled', 'scaled'))).toEqual(days([10, 10, 10, 70, 70]));

      const third = await p.project.with((ctx) => ctx.run('prod'), { now: at(6, 3) });
      expect(third.autoRestated).toBeUndefined();
    });

    it('never restates in a dev environment (SQLMesh: prod only)', async () => {
      const p = await setup();
      // A breaking change in dev: its own version and table, computed from today's (corrected) rows.
      p.project.edit('models/daily.sql', 'SUM(v) AS total', 'SUM(v) + 100 AS total');
      await p.project.with(async (ctx) => ctx.apply(await ctx.plan('dev')), { now: at(5) });
      await p.sql('UPDATE raw.events SET v = 9');
      const dev = await p.project.with((ctx) => ctx.run('dev'), { now: at(6, 1) });
      expect(dev.autoRestated).toBeUndefined();
      // 1-4 January keep what dev computed; only 5 January is new.
      expect(await p.sql(totals('core__dev.daily', 'total'))).toEqual(days([107, 107, 107, 107, 109]));
    });
  });
}
