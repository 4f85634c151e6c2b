import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, TempProject } from '../helpers/project.js';
import { tableStates } from '../helpers/warehouse-state.js';

const CONFIG = `export default {
  gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } },
  modelDefaults: { dialect: 'duckdb', start: '2024-03-01', cron: '@daily' },
  environments: { prod: { protected: true }, staging: { protected: true, ttl: 'never' } },
};
`;

const at = (day: string) => ({ now: () => new Date(`${day}T12:00:00Z`) });

describe('tables of protected environments other than prod (DuckDB)', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(join(ROOT, 'examples/incremental'), ['models', 'seeds']);
    p.write('planner.config.ts', CONFIG);
  });
  afterEach(() => p.remove());

  it("a dev plan never computes intervals into a protected staging environment's table", async () => {
    await p.with(async (ctx) => ctx.apply(await ctx.plan('prod')), at('2024-03-10'));
    p.edit('models/analytics/daily_events.sql', 'FROM raw.events AS e', "FROM raw.events AS e\n-- test events do not count\n");
    p.edit('models/analytics/daily_events.sql', 'GROUP BY 1, 2', "  AND e.user_id <> 0\nGROUP BY 1, 2");
    const staged = await p.with(async (ctx) => {
      const plan = await ctx.plan('staging');
      await ctx.apply(plan);
      return plan.snapshots[plan.target['analytics.daily_events']];
    }, at('2024-03-10'));
    const table = `${staged.physical.schema}.${staged.physical.table}`;
    const query = (sql: string) => p.with(async (ctx) => (await ctx.engine.query(sql)).rows);
    const before = await tableStates(query, [table]);

    // Three days later Bob makes the same change: the same version as staging's, whose table
    // misses those days. Another environment's table is never computed into: Bob shares it.
    await p.with(async (ctx) => {
      const plan = await ctx.plan('dev_bob');
      expect(plan.snapshots[plan.target['analytics.daily_events']].version).toBe(staged.version);
      expect(plan.builds).not.toContain(plan.target['analytics.daily_events']);
      await ctx.apply(plan);
    }, at('2024-03-13'));
    expect(await tableStates(query, [table])).toEqual(before);

    // Created from staging, Bob shares its table and writes nothing into it.
    await p.with(async (ctx) => ctx.apply(await ctx.plan('dev_bob', { createFrom: 'staging' })), at('2024-03-13'));
    expect(await tableStates(query, [table])).toEqual(before);
    expect((await query(`SELECT count(*) AS n FROM analytics__dev_bob.daily_events`))[0].n).toBe(before[table].rows);
  });
});
