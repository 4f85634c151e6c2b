import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const at = (day: number) => () => new Date(Date.UTC(2024, 0, day, 6));

// Each day's batch reloads every region that had an event that day, whole.
const byRegion = `MODEL (
  name core.events_by_region,
  kind INCREMENTAL_BY_PARTITION,
  partitioned_by region,
  start '2024-01-01'
);
SELECT e.region, e.id, e.amount FROM raw.events AS e
WHERE EXISTS (SELECT 1 FROM raw.events AS t WHERE t.region IS NOT DISTINCT FROM e.region AND t.day BETWEEN @start_ds AND @end_ds)`;

const rows = 'SELECT region, id, amount FROM core.events_by_region ORDER BY region NULLS FIRST, id';

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`INCREMENTAL_BY_PARTITION on ${engine.name}`, () => {
    const projects = projectsOn(engine);

    /** The model applied on day 2 over raw.events holding `values`. */
    async function setup(values: string): Promise<EngineProject> {
      const e = await projects.setup({ 'models/by_region.sql': byRegion });
      await e.sql('CREATE SCHEMA raw');
      await e.sql('CREATE TABLE raw.events (region VARCHAR(8), id INTEGER, amount INTEGER, day DATE)');
      await e.sql(`INSERT INTO raw.events VALUES ${values}`);
      await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });
      return e;
    }

    it('replaces the partitions a batch brings, whole, and keeps the others', async () => {
      const p = await setup("('eu', 1, 10, '2024-01-01'), ('us', 2, 20, '2024-01-01')");
      expect(await p.sql(rows)).toEqual([
        { region: 'eu', id: 1, amount: 10 },
        { region: 'us', id: 2, amount: 20 },
      ]);

      // Day 2: eu loses event 1 and gains event 3; us changes but has no event that day; a NULL region appears.
      await p.sql('DELETE FROM raw.events WHERE id = 1');
      await p.sql("INSERT INTO raw.events VALUES ('eu', 3, 30, '2024-01-02'), (NULL, 4, 40, '2024-01-02')");
      await p.sql('UPDATE raw.events SET amount = 25 WHERE id = 2');
      await p.project.with((ctx) => ctx.run('prod'), { now: at(3) });
      expect(await p.sql(rows)).toEqual([
        { region: null, id: 4, amount: 40 },
        { region: 'eu', id: 3, amount: 30 },
        // Not in day 2's batch: the partition is left as it was.
        { region: 'us', id: 2, amount: 20 },
      ]);

      // Day 3: the NULL partition is replaced like any other (NULL matches NULL), not appended to.
      await p.sql("INSERT INTO raw.events VALUES (NULL, 5, 50, '2024-01-03')");
      await p.project.with((ctx) => ctx.run('prod'), { now: at(4) });
      expect(await p.sql(rows)).toEqual([
        { region: null, id: 4, amount: 40 },
        { region: null, id: 5, amount: 50 },
        { region: 'eu', id: 3, amount: 30 },
        { region: 'us', id: 2, amount: 20 },
      ]);
    });

    it('is forward-only: a new column is added to the kept table', async () => {
      const p = await setup("('eu', 1, 10, '2024-01-01')");
      p.project.edit('models/by_region.sql', 'e.amount FROM', 'e.amount, e.amount * 2 AS doubled FROM');
      await p.project.with(async (ctx) => {
        const plan = await ctx.plan('prod');
        expect(plan.directlyModified).toEqual([{ name: 'core.events_by_region', category: 'forward-only' }]);
        await ctx.apply(plan);
      }, { now: at(2) });
      expect(await p.sql('SELECT region, id, amount, doubled FROM core.events_by_region')).toEqual([{ region: 'eu', id: 1, amount: 10, doubled: null }]);
    });
  });
}
