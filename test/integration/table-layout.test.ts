import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const at = (day: number) => () => new Date(Date.UTC(2024, 0, day, 6));

/** One model of every kind that creates a table, each with partitioned_by. */
const models: Record<string, string> = {
  'models/full.sql': `MODEL (name core.full_t, kind FULL, partitioned_by region, physical_properties (fillfactor = 70, autovacuum_enabled = false));
SELECT id, ds, region, v FROM raw.events`,
  // The time column comes first in the key (SQLMesh's partition_by_time_column, default true).
  'models/by_time.sql': `MODEL (name core.by_time, kind INCREMENTAL_BY_TIME_RANGE (time_column ds), start '2024-01-01', partitioned_by region);
SELECT id, ds, region, v FROM raw.events`,
  'models/by_key.sql': `MODEL (name core.by_key, kind INCREMENTAL_BY_UNIQUE_KEY (unique_key id), start '2024-01-01', partitioned_by (region, ds));
SELECT DISTINCT ON (id) id, ds, region, v FROM raw.events ORDER BY id, ds DESC`,
  'models/by_partition.sql': `MODEL (name core.by_partition, kind INCREMENTAL_BY_PARTITION, start '2024-01-01', partitioned_by region);
SELECT region, sum(v) AS total FROM raw.events GROUP BY region`,
  'models/history.sql': `MODEL (name core.history, kind SCD_TYPE_2_BY_TIME (unique_key id), start '2024-01-01', partitioned_by region);
SELECT id, region, v, updated_at FROM raw.events`,
  'models/seeded.sql': `MODEL (name core.seeded, kind SEED (path '../seeds/regions.csv'), columns (region TEXT, label TEXT), partitioned_by region, physical_properties (fillfactor = 90));`,
  // Reads its own rows; partition_by_time_column false keeps ds out of the key.
  'models/running.sql': `MODEL (name core.running, kind INCREMENTAL_BY_TIME_RANGE (time_column ds, batch_size 1, partition_by_time_column false), start '2024-01-01',
  columns (ds DATE, region TEXT, total INTEGER), partitioned_by region);
SELECT e.ds, e.region, COALESCE((SELECT max(r.total) FROM @this_model AS r WHERE r.region = e.region), 0) + e.v AS total
FROM raw.events AS e`,
  'seeds/regions.csv': 'region,label\neu,Europe\nus,America\n',
};

async function withEvents(e: EngineProject): Promise<EngineProject> {
  await e.sql('CREATE SCHEMA raw');
  await e.sql('CREATE TABLE raw.events (id INTEGER, ds DATE, region TEXT, v INTEGER, updated_at TIMESTAMP)');
  await e.sql("INSERT INTO raw.events VALUES (1, '2024-01-01', 'eu', 1, '2024-01-01 09:00'), (2, '2024-01-01', 'us', 2, '2024-01-01 09:00')");
  return e;
}

/** Every partitioned table of the physical schema: strategy, key columns, and each partition with its storage parameters. */
const PARTITIONED = `SELECT regexp_replace(c.relname, '__[0-9a-z]+$', '') AS model, pt.partstrat AS strategy,
    (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY AS k (attnum, ord)
       JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS key,
    (SELECT string_agg(CASE WHEN p.oid = pt.partdefid THEN 'DEFAULT' ELSE p.relname END || coalesce(' ' || array_to_string(p.reloptions, ','), ''), ';')
       FROM pg_inherits AS i JOIN pg_class AS p ON p.oid = i.inhrelid WHERE i.inhparent = c.oid) AS partitions,
    c.reloptions AS own_options
  FROM pg_partitioned_table AS pt JOIN pg_class AS c ON c.oid = pt.partrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = 'planner__core' ORDER BY 1`;

/** Rows of a model's physical table by the partition that holds them (`tableoid`). */
async function rowsByPartition(e: EngineProject, model: string): Promise<Record<string, unknown>[]> {
  const [{ name }] = await e.sql(
    `SELECT c.relname AS name FROM pg_partitioned_table AS pt JOIN pg_class AS c ON c.oid = pt.partrelid WHERE c.relname LIKE 'core__${model}__%'`,
  );
  return e.sql(`SELECT tableoid::regclass::text LIKE '%__default' AS in_default, count(*)::int AS n FROM planner__core."${String(name)}" GROUP BY 1`);
}

const [duckdb, postgres] = engineCases(server);

describe.skipIf(!postgres.available)('partitioned_by and physical_properties on PostgreSQL', () => {
  const projects = projectsOn(postgres);

  it('creates every kind of table partitioned by RANGE with a DEFAULT partition holding the storage parameters, and rows land there across runs', async () => {
    const e = await withEvents(await projects.setup(models));
    await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });

    expect(await e.sql(PARTITIONED)).toEqual([
      { model: 'core__by_key', strategy: 'r', key: 'region,ds', partitions: 'DEFAULT', own_options: null },
      { model: 'core__by_partition', strategy: 'r', key: 'region', partitions: 'DEFAULT', own_options: null },
      { model: 'core__by_time', strategy: 'r', key: 'ds,region', partitions: 'DEFAULT', own_options: null },
      // A partitioned table has no storage: the parameters are on its DEFAULT partition.
      { model: 'core__full_t', strategy: 'r', key: 'region', partitions: 'DEFAULT fillfactor=70,autovacuum_enabled=false', own_options: null },
      { model: 'core__history', strategy: 'r', key: 'region', partitions: 'DEFAULT', own_options: null },
      { model: 'core__running', strategy: 'r', key: 'region', partitions: 'DEFAULT', own_options: null },
      { model: 'core__seeded', strategy: 'r', key: 'region', partitions: 'DEFAULT fillfactor=90', own_options: null },
    ]);
    // The partitions are part of their tables, not objects of their own (the janitor and verify never see them).
    const listed = await e.project.with(async (ctx) => (await ctx.engine.listObjects(['planner__core'])).map((o) => o.name.table));
    expect(listed).toHaveLength(7);
    expect(listed.filter((t) => t.endsWith('__default'))).toEqual([]);

    await e.sql("INSERT INTO raw.events VALUES (3, '2024-01-02', 'eu', 4, '2024-01-02 09:00'), (1, '2024-01-02', 'eu', 5, '2024-01-02 10:00')");
    await e.project.with((ctx) => ctx.run('prod'), { now: at(3) });

    expect(await e.sql('SELECT ds::text AS ds, region, v FROM core.by_time ORDER BY ds, v')).toEqual([
      { ds: '2024-01-01', region: 'eu', v: 1 },
      { ds: '2024-01-01', region: 'us', v: 2 },
      { ds: '2024-01-02', region: 'eu', v: 4 },
      { ds: '2024-01-02', region: 'eu', v: 5 },
    ]);
    expect(await e.sql('SELECT ds::text AS ds, region, total FROM core.running ORDER BY ds, region, total')).toEqual([
      { ds: '2024-01-01', region: 'eu', total: 1 },
      { ds: '2024-01-01', region: 'us', total: 2 },
      { ds: '2024-01-02', region: 'eu', total: 5 },
      { ds: '2024-01-02', region: 'eu', total: 6 },
    ]);
    expect(await e.sql('SELECT id, v FROM core.by_key ORDER BY id')).toEqual([
      { id: 1, v: 5 },
      { id: 2, v: 2 },
      { id: 3, v: 4 },
    ]);
    expect(await e.sql('SELECT region, total::int AS total FROM core.by_partition ORDER BY region')).toEqual([
      { region: 'eu', total: 10 },
      { region: 'us', total: 2 },
    ]);
    expect(await e.sql('SELECT id, v, valid_to IS NULL AS current FROM core.history ORDER BY id, valid_from')).toEqual([
      { id: 1, v: 1, current: false },
      { id: 1, v: 5, current: true },
      { id: 2, v: 2, current: true },
      { id: 3, v: 4, current: true },
    ]);
    expect(await e.sql('SELECT count(*)::int AS n FROM core.full_t')).toEqual([{ n: 4 }]);
    expect(await rowsByPartition(e, 'by_time')).toEqual([{ in_default: true, n: 4 }]);
    expect(await rowsByPartition(e, 'seeded')).toEqual([{ in_default: true, n: 2 }]);
  });

  it('puts storage parameters on a table that is not partitioned, and planner info lists what is applied', async () => {
    const e = await withEvents(
      await projects.setup({
        'models/t.sql': `MODEL (name core.t, kind FULL, physical_properties (fillfactor = 70, vacuum_index_cleanup = 'off'), clustered_by id);\nSELECT id, v FROM raw.events`,
      }),
    );
    await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });
    expect(
      await e.sql(`SELECT array_to_string(c.reloptions, ',') AS options, c.relkind FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = 'planner__core'`),
    ).toEqual([{ options: 'fillfactor=70,vacuum_index_cleanup=off', relkind: 'r' }]);
    const { code, text } = await runCli(['info', '--json', '-p', e.project.dir]);
    expect(code).toBe(0);
    const info = JSON.parse(text).models;
    expect(info.applied).toEqual(['core.t: physical_properties: WITH (fillfactor = 70, vacuum_index_cleanup = off)']);
    expect(info.notApplied).toEqual(['core.t: clustered_by']);
  });

  it('refuses a forward-only change that would need another layout for the kept table, and lets one that keeps it through', async () => {
    const model = (props: string, extra = '') =>
      `MODEL (name core.t, kind INCREMENTAL_BY_TIME_RANGE (time_column ds, forward_only true), start '2024-01-01', ${props});\nSELECT id, ds, region${extra} FROM raw.events`;
    const e = await withEvents(await projects.setup({ 'models/t.sql': model('partitioned_by region, physical_properties (fillfactor = 70)') }));
    await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });
    const before = await e.sql(PARTITIONED);

    e.project.write('models/t.sql', model('partitioned_by region, physical_properties (fillfactor = 80)'));
    const refused = await runCli(['plan', '--auto-apply', '-p', e.project.dir]);
    expect(refused.code).toBe(2);
    expect(refused.text).toContain(
      'forward-only change to core.t asks for table layout PARTITION BY RANGE (ds, region) WITH (fillfactor = 80), but its kept table',
    );
    expect(refused.text).toContain('has PARTITION BY RANGE (ds, region) WITH (fillfactor = 70): a forward-only change alters columns only');
    expect(await e.sql(PARTITIONED)).toEqual(before);

    e.project.write('models/t.sql', model('partitioned_by region, physical_properties (fillfactor = 70)', ', v'));
    const kept = await runCli(['plan', '--auto-apply', '-p', e.project.dir]);
    expect(kept.code, kept.text).toBe(0);
    expect(await e.sql(PARTITIONED)).toEqual(before);
    expect(await e.sql('SELECT id, v FROM core.t ORDER BY id')).toEqual([
      { id: 1, v: null },
      { id: 2, v: null },
    ]);
  });

  it.each([
    [
      'an unknown storage parameter',
      `MODEL (name core.t, kind FULL,\n  physical_properties (fillfactr = 70));\nSELECT 1 AS id`,
      "models/t.sql:2:24: model core.t: physical_properties: 'fillfactr' is not a PostgreSQL table storage parameter (did you mean fillfactor?)",
    ],
    ['a storage parameter out of range', `MODEL (name core.t, kind FULL, physical_properties (fillfactor = 5));\nSELECT 1 AS id`, 'fillfactor must be a whole number from 10 to 100, not 5'],
    [
      'a partition column the query does not output',
      `MODEL (name core.t, kind FULL,\n  partitioned_by regoin);\nSELECT 1 AS id, 'eu' AS region`,
      "models/t.sql:2:18: partitioned_by names column 'regoin', which model core.t does not output",
    ],
    [
      'a partition expression',
      `MODEL (name core.t, kind FULL, partitioned_by date_trunc('month', ds));\nSELECT CURRENT_DATE AS ds`,
      "models/t.sql:1:47: partitioned_by 'date_trunc('month', ds)' is not a column name",
    ],
  ])('refuses %s at plan: exit 2 at the header, nothing built or recorded', async (_what, model, message) => {
    const e = await projects.setup({ 'models/t.sql': model });
    const { code, text } = await runCli(['plan', '--auto-apply', '-p', e.project.dir]);
    expect(code).toBe(2);
    expect(text).toContain(message);
    expect((await e.objects()).filter((o) => !o.startsWith('planner_state.'))).toEqual([]);
    await e.project.with(async (ctx) => expect(await ctx.state.listEnvironments()).toEqual([]));
  });
});

describe.skipIf(!duckdb.available)('partitioned_by and physical_properties on DuckDB', () => {
  const projects = projectsOn(duckdb);

  it('ignores them with a note in planner info; the tables are built as without them', async () => {
    const e = await withEvents(await projects.setup(models));
    const { code, text } = await runCli(['info', '-p', e.project.dir]);
    expect(code).toBe(0);
    expect(text).toContain('core.full_t: partitioned_by, physical_properties (DuckDB has no declarative partitioning or table storage parameters: the table is built without them)');
    const json = JSON.parse((await runCli(['info', '--json', '-p', e.project.dir])).text).models;
    expect(json.applied).toEqual([]);
    expect(json.notApplied).toHaveLength(7);
    await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });
    expect(await e.sql('SELECT region, v FROM core.by_time ORDER BY id')).toEqual([
      { region: 'eu', v: 1 },
      { region: 'us', v: 2 },
    ]);
    expect(await e.sql('SELECT region, label FROM core.seeded ORDER BY region')).toEqual([
      { region: 'eu', label: 'Europe' },
      { region: 'us', label: 'America' },
    ]);
  });

  it('still refuses a partition column the query does not output', async () => {
    const e = await projects.setup({ 'models/t.sql': `MODEL (name core.t, kind FULL, partitioned_by regoin);\nSELECT 1 AS id, 'eu' AS region` });
    const { code, text } = await runCli(['plan', '--auto-apply', '-p', e.project.dir]);
    expect(code).toBe(2);
    expect(text).toContain("models/t.sql:1:47: partitioned_by names column 'regoin', which model core.t does not output");
  });
});
