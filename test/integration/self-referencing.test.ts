import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const at = (day: number) => () => new Date(Date.UTC(2024, 0, day, 6));

// A running balance: each day adds its deposits to the latest earlier total, read from the model's own table.
const balances = `MODEL (
  name core.balances,
  kind INCREMENTAL_BY_TIME_RANGE (time_column day, batch_size 1),
  start '2024-01-01',
  columns (day DATE, total INTEGER)
);
SELECT d.day,
  COALESCE((SELECT b.total FROM core.balances AS b WHERE b.day < d.day ORDER BY b.day DESC LIMIT 1), 0) + d.amount AS total
FROM raw.deposits AS d
WHERE d.day BETWEEN @start_ds AND @end_ds`;

// Counts the runs that saw each key, through @this_model.
const seen = `MODEL (
  name core.seen,
  kind INCREMENTAL_BY_UNIQUE_KEY (unique_key k),
  start '2024-01-01',
  columns (k VARCHAR, runs INTEGER)
);
SELECT s.k, COALESCE((SELECT t.runs FROM @this_model AS t WHERE t.k = s.k), 0) + 1 AS runs
FROM raw.keys AS s`;

// A child reads the self-referencing model as any parent.
const child = `MODEL (name core.latest, kind FULL);
SELECT max(total) AS total FROM core.balances`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`self-referencing models on ${engine.name}`, () => {
    const projects = projectsOn(engine);

    async function setup(files: Record<string, string>): Promise<EngineProject> {
      const e = await projects.setup(files);
      await e.sql('CREATE SCHEMA raw');
      await e.sql('CREATE TABLE raw.deposits (day DATE, amount INTEGER)');
      await e.sql("INSERT INTO raw.deposits VALUES ('2024-01-01', 10), ('2024-01-02', 5)");
      await e.sql('CREATE TABLE raw.keys (k VARCHAR(4))');
      await e.sql("INSERT INTO raw.keys VALUES ('a')");
      return e;
    }

    it('reads its own earlier rows, batch after batch, from an empty table of the declared columns', async () => {
      const p = await setup({ 'models/balances.sql': balances, 'models/seen.sql': seen, 'models/latest.sql': child });
      await p.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(3) });
      const totals = 'SELECT CAST(day AS VARCHAR) AS day, total FROM core.balances ORDER BY day';
      expect(await p.sql(totals)).toEqual([
        { day: '2024-01-01', total: 10 },
        { day: '2024-01-02', total: 15 },
      ]);
      expect(await p.sql('SELECT k, runs FROM core.seen')).toEqual([{ k: 'a', runs: 1 }]);

      await p.sql("INSERT INTO raw.deposits VALUES ('2024-01-03', 7)");
      await p.sql("INSERT INTO raw.keys VALUES ('b')");
      await p.project.with((ctx) => ctx.run('prod'), { now: at(4) });
      expect(await p.sql(totals)).toEqual([
        { day: '2024-01-01', total: 10 },
        { day: '2024-01-02', total: 15 },
        { day: '2024-01-03', total: 22 },
      ]);
      expect(await p.sql('SELECT k, runs FROM core.seen ORDER BY k')).toEqual([
        { k: 'a', runs: 2 },
        { k: 'b', runs: 1 },
      ]);
      expect(await p.sql('SELECT total FROM core.latest')).toEqual([{ total: 22 }]);
    });

    it('takes its columns from the casts of its query when every output column is cast (as SQLMesh infers them)', async () => {
      const counted = `MODEL (name core.counted, kind INCREMENTAL_BY_UNIQUE_KEY (unique_key k), start '2024-01-01');
SELECT CAST(s.k AS VARCHAR(4)) AS k, CAST(COALESCE((SELECT t.runs FROM @this_model AS t WHERE t.k = s.k), 0) + 1 AS BIGINT) AS runs
FROM raw.keys AS s`;
      const p = await setup({ 'models/counted.sql': counted });
      await p.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });
      await p.project.with((ctx) => ctx.run('prod'), { now: at(3) });
      expect(await p.sql('SELECT k, CAST(runs AS INTEGER) AS runs FROM core.counted')).toEqual([{ k: 'a', runs: 2 }]);
      // The table was created from the cast types, before the query could be described.
      const types = await p.project.with(async (ctx) => {
        const [view] = (await ctx.engine.listObjects(['planner__core'])).filter((o) => o.type === 'table');
        return (await ctx.engine.columns(view.name)).map((c) => `${c.name} ${c.type.toLowerCase()}`);
      });
      expect(types).toEqual(engine.name === 'DuckDB' ? ['k varchar', 'runs bigint'] : ['k character varying(4)', 'runs bigint']);
    });
  });
}

describe('self-referencing models that cannot be', () => {
  const { setup } = projectsOn(engineCases({ available: false, note: '' })[0]);

  it.each([
    ['a FULL model', `MODEL (name core.t, kind FULL);\nSELECT count(*) AS n FROM core.t`, 'a FULL model cannot: only INCREMENTAL_BY_TIME_RANGE', 2, 27],
    ['a VIEW through @this_model', `MODEL (name core.t, kind VIEW);\nSELECT 1 AS n FROM @this_model`, 'reads its own table (through @this_model), which a VIEW model cannot', 2, 20],
    ['one without columns', `MODEL (name core.t, kind INCREMENTAL_UNMANAGED);\nSELECT 1 AS n FROM core.t`, 'add columns (name TYPE, ...)', 2, 20],
    ['one whose output columns are not all cast', `MODEL (name core.t, kind INCREMENTAL_UNMANAGED);\nSELECT CAST(1 AS INT) AS n, 2 AS m FROM core.t`, 'or infers them when the query casts every output column', 2, 41],
    ['one that leaves a column undeclared', `MODEL (name core.t, kind INCREMENTAL_UNMANAGED, columns (n INT));\nSELECT 1 AS n, 2 AS m FROM core.t`, 'missing: m', 1, 49],
  ])('refuses %s with exit 2 at the reference, building nothing', async (_what, text, message, line, column) => {
    const e = await setup({ 'models/t.sql': text });
    const result = await runCli(['plan', '--auto-apply', '-p', e.project.dir]);
    expect(result.code).toBe(2);
    expect(result.text).toContain(`models/t.sql:${line}:${column}`);
    expect(result.text).toContain(message);
    expect((await e.objects()).filter((o) => !o.startsWith('planner_state.'))).toEqual([]);
  });
});
