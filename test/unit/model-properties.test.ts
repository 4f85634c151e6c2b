import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readExternalModels } from '../../src/model/external-models.js';
import { knownColumns, undeclaredReferences } from '../../src/model/external-references.js';
import { assertModelGateways } from '../../src/model/load-project.js';
import { readModelFile } from '../../src/model/read-model-file.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { projectWriter } from '../helpers/write-project.js';

const defaults = { dialect: 'duckdb' as const, cron: '@daily' };
const read = (text: string) => readModelFile(text, 'models/x.sql', defaults);
const projects = projectWriter();
afterEach(() => projects.cleanup());

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe("SQLMesh's model properties", () => {
  it('are read with their values', () => {
    const m = read(`MODEL (
  name s.t,
  kind INCREMENTAL_BY_TIME_RANGE (time_column (ds, '%Y%m%d'), lookback 2, batch_concurrency 4, partition_by_time_column false),
  enabled true,
  depends_on [s.a, s.b],
  references (s.c),
  stamp 'v2',
  interval_unit day,
  allow_partials true,
  physical_properties (fillfactor = 70, autovacuum_enabled = false),
  virtual_properties (security_barrier = true),
  session_properties (work_mem = '64MB'),
  partitioned_by (ds, region),
  clustered_by customer_id,
  storage_format parquet,
  table_format iceberg,
  column_descriptions (id = 'The id', ds = 'Day it''s for'),
  formatting false,
  optimize_query false,
  ignored_rules ['ambiguousorinvalidcolumn'],
  gateway local,
); SELECT 1 AS id, '20240101' AS ds`);
    expect(m.kind).toEqual({
      name: 'INCREMENTAL_BY_TIME_RANGE',
      timeColumn: 'ds',
      timeFormat: '%Y%m%d',
      batchSize: undefined,
      lookback: 2,
      batchConcurrency: 4,
      partitionByTimeColumn: false,
    });
    expect(m.enabled).toBe(true);
    expect(m.properties).toEqual({
      dependsOn: ['s.a', 's.b'],
      references: ['s.c'],
      stamp: 'v2',
      intervalUnit: 'day',
      allowPartials: true,
      physicalProperties: { fillfactor: '70', autovacuum_enabled: 'false' },
      virtualProperties: { security_barrier: 'true' },
      sessionProperties: { work_mem: "'64MB'" },
      partitionedBy: ['ds', 'region'],
      clusteredBy: ['customer_id'],
      storageFormat: 'parquet',
      tableFormat: 'iceberg',
      columnDescriptions: { id: 'The id', ds: "Day it's for" },
      formatting: false,
      optimizeQuery: false,
      ignoredRules: ['ambiguousorinvalidcolumn'],
      gateway: 'local',
    });
    expect(read(`MODEL (name s.t, kind FULL); SELECT 1`).properties).toBeUndefined();
  });

  it.each([
    [`MODEL (name s.t, kind FULL, dependson [s.a]); SELECT 1`, "unknown MODEL property 'dependson'; did you mean depends_on?", 1, 29],
    [`MODEL (name s.t, kind FULL,\n  partition_by ds); SELECT 1`, 'did you mean partitioned_by?', 2, 3],
    [`MODEL (name s.t, kind INCREMENTL_BY_TIME_RANGE (time_column d)); SELECT 1`, 'did you mean INCREMENTAL_BY_TIME_RANGE?', 1, 23],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_colum d)); SELECT 1`, 'did you mean time_column?', 1, 61],
    [`MODEL (name s.t, kind CUSTOM (materialization 'x')); SELECT 1`, 'CUSTOM kinds are materializations written as Python classes', 1, 23],
    [`MODEL (name s.t, kind INCREMENTAL_BY_PARTITION); SELECT 1`, 'INCREMENTAL_BY_PARTITION needs partitioned_by in MODEL (...)', 1, 23],
    [`MODEL (name s.t, kind INCREMENTAL_BY_PARTITION (forward_only true), partitioned_by r); SELECT 1`, 'always forward-only', 1, 62],
    [`MODEL (name s.t, kind INCREMENTAL_BY_PARTITION,\n  partitioned_by date_trunc('month', d)); SELECT 1`, 'partitioned_by must be a name or a list of names; here partitions are named by columns', 2, 18],
    [`MODEL (name s.t, kind FULL, signals [x()]); SELECT 1`, 'planner runs no Python', 1, 29],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column d, auto_restatement_cron '@daily', auto_restatement_intervals 0)); SELECT 1`, 'auto_restatement_intervals must be a positive whole number', 1, 124],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column d, auto_restatement_cron '@daily', auto_restatement_intervals 'two')); SELECT 1`, 'auto_restatement_intervals must be a whole number', 1, 124],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column d, auto_restatement_intervals 2)); SELECT 1`, 'auto_restatement_intervals needs auto_restatement_cron', 1, 92],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column d, auto_restatement_cron '*/5 * * * *')); SELECT 1`, "auto_restatement_cron: unsupported cron '*/5 * * * *'", 1, 87],
    [`MODEL (name s.t, kind INCREMENTAL_BY_UNIQUE_KEY (unique_key id, auto_restatement_cron '@daily', auto_restatement_intervals 2)); SELECT 1`, 'taken by INCREMENTAL_BY_TIME_RANGE only', 1, 124],
    [`MODEL (name s.t, kind SCD_TYPE_2_BY_TIME (unique_key id, auto_restatement_cron '@daily')); SELECT 1`, 'never auto-restates SCD Type 2', 1, 80],
    [`MODEL (name s.t, kind FULL, cron '@daily', interval_unit hour); SELECT 1`, "interval_unit 'hour' differs from the intervals of cron '@daily' (day)", 1, 58],
    [`MODEL (name s.t, kind FULL, interval_unit fortnight); SELECT 1`, "interval_unit 'fortnight' is not one of", 1, 43],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column (d, '%b %d'))); SELECT 1`, 'uses %b', 1, 66],
    [`MODEL (name s.t, kind FULL, physical_properties (fillfactor 70)); SELECT 1`, 'expected name = value', 1, 50],
  ])('refuses %j with the known names and a location', (text, message, line, column) => {
    const err = errorOf(() => read(text));
    expect(err.message).toContain(message);
    expect(err.exitCode).toBe(2);
    expect(err.location).toMatchObject({ file: 'models/x.sql', line, column });
  });
});

describe('properties in the project', () => {
  const parent = `MODEL (name s.parent, kind FULL);\nSELECT 1 AS id`;
  it('leave a disabled model out, and refuse a model that reads it', async () => {
    const project = await projects.load({ 'models/parent.sql': parent.replace('kind FULL', 'kind FULL, enabled false') });
    expect([...project.models.keys()]).toEqual([]);
    const err = await projects.loadError({
      'models/parent.sql': parent.replace('kind FULL', 'kind FULL, enabled false'),
      'models/child.sql': `MODEL (name s.child, kind FULL);\nSELECT id FROM s.parent`,
    });
    expect(err.message).toContain('reads s.parent, which is disabled');
    expect(err.location).toMatchObject({ file: 'models/child.sql', line: 2, column: 16 });
  });

  it('add depends_on to the parents, and refuse a name that is not a model', async () => {
    const child = `MODEL (name s.child, kind FULL, depends_on [s.parent]);\nSELECT 2 AS id`;
    const project = await projects.load({ 'models/parent.sql': parent, 'models/child.sql': child });
    expect(project.models.get('s.child')!.parents).toEqual(['s.parent']);
    expect(project.order).toEqual(['s.parent', 's.child']);
    const err = await projects.loadError({ 'models/parent.sql': parent, 'models/child.sql': child.replace('[s.parent]', '[s.parnt]') });
    expect(err.message).toContain("depends_on names 's.parnt', which is not a model");
    expect(err.hint).toBe('did you mean s.parent?');
    expect(err.location).toMatchObject({ file: 'models/child.sql', line: 1, column: 33 });
  });

  it('refuse a gateway the config does not define', async () => {
    const err = await projects.loadError({ 'models/parent.sql': parent.replace('kind FULL', 'kind FULL, gateway locl') });
    expect(err.message).toContain("gateway 'locl' is not one of the project's gateways");
    expect(err.hint).toContain('did you mean local?');
    const project = await projects.load({ 'models/parent.sql': parent.replace('kind FULL', 'kind FULL, gateway local') });
    expect(() => assertModelGateways(project, 'local')).not.toThrow();
    expect(() => assertModelGateways(project, 'team')).toThrow("model s.parent runs on gateway 'local', but this plan uses gateway 'team'");
  });

  it('enter the data or the metadata hash as SQLMesh does', async () => {
    const fp = async (extra: string) => (await fingerprintProject(await projects.load({ 'models/p.sql': parent.replace('kind FULL', `kind FULL${extra}`) }))).get('s.parent')!.fingerprint;
    const base = await fp('');
    for (const data of [", stamp 'v2'", ', partitioned_by id', ', physical_properties (fillfactor = 70)', ', storage_format parquet']) {
      const f = await fp(data);
      expect(f.data, data).not.toBe(base.data);
    }
    for (const meta of [', references [s.x]', ', allow_partials true', ", session_properties (work_mem = '1MB')", ", column_descriptions (id = 'x')"]) {
      const f = await fp(meta);
      expect(f.data, meta).toBe(base.data);
      expect(f.metadata, meta).not.toBe(base.metadata);
    }
    for (const none of [', formatting false', ', ignored_rules [x]', ', enabled true']) expect(await fp(none), none).toEqual(base);
  });

  it('keep batch_concurrency out of the data hash, and the time format in it', async () => {
    const inc = (args: string) => `MODEL (name s.i, kind INCREMENTAL_BY_TIME_RANGE (time_column ${args}));\nSELECT '20240101' AS d`;
    const fp = async (args: string) => (await fingerprintProject(await projects.load({ 'models/i.sql': inc(args) }))).get('s.i')!.fingerprint;
    const base = await fp('d');
    const concurrent = await fp('d, batch_concurrency 3');
    expect(concurrent.data).toBe(base.data);
    expect(concurrent.metadata).not.toBe(base.metadata);
    expect((await fp("(d, '%Y%m%d')")).data).not.toBe(base.data);
  });

  it('keep auto_restatement_cron and auto_restatement_intervals in the metadata hash only (SQLMesh)', async () => {
    const inc = (args: string) => `MODEL (name s.i, kind INCREMENTAL_BY_TIME_RANGE (time_column ${args}));\nSELECT '20240101' AS d`;
    const fp = async (args: string) => (await fingerprintProject(await projects.load({ 'models/i.sql': inc(args) }))).get('s.i')!.fingerprint;
    const base = await fp('d');
    const cron = await fp("d, auto_restatement_cron '@daily'");
    const two = await fp("d, auto_restatement_cron '@daily', auto_restatement_intervals 2");
    expect([cron.data, two.data]).toEqual([base.data, base.data]);
    expect(new Set([base.metadata, cron.metadata, two.metadata]).size).toBe(3);
  });
});

describe('external_models.yaml', () => {
  it("reads SQLMesh's format, dropping a catalog from the name", () => {
    const models = readExternalModels(
      `- name: '"warehouse"."raw"."orders"'\n  description: Orders from the shop\n  columns:\n    id: INT\n    "Amount": DECIMAL(10, 2)\n- name: raw.customers\n  gateway: team\n`,
      'external_models.yaml',
    );
    expect(models.map(({ location, ...m }) => m)).toEqual([
      { name: 'raw.orders', description: 'Orders from the shop', columns: [{ name: 'id', type: 'INT' }, { name: 'amount', type: 'DECIMAL(10, 2)' }], gateway: undefined },
      { name: 'raw.customers', columns: undefined, description: undefined, gateway: 'team' },
    ]);
  });

  it.each([
    [`- name: orders\n`, 'must be schema.table', 1],
    [`- name: raw.orders\n  colums: {id: INT}\n`, "unknown key 'colums'", 2],
    [`name: raw.orders\n`, 'a list of entries', 1],
  ])('refuses %j with its line', (text, message, line) => {
    const err = errorOf(() => readExternalModels(text, 'external_models.yaml'));
    expect(err.message).toContain(message);
    expect(err.location).toMatchObject({ file: 'external_models.yaml', line });
  });

  it('feed known columns for a parent, and are left out of references that need the catalog', async () => {
    const project = await projects.load({
      'external_models.yaml': `- name: raw.orders\n  columns:\n    id: INT\n`,
      'models/a.sql': `MODEL (name s.a, kind FULL);\nSELECT o.id FROM raw.orders o JOIN raw.refunds r ON r.id = o.id`,
    });
    expect(knownColumns(project, 'raw.orders')).toEqual([{ name: 'id', type: 'INT' }]);
    expect(knownColumns(project, 's.a')).toEqual([{ name: 'id' }]);
    expect(undeclaredReferences(project, 'local').map((r) => r.name)).toEqual(['raw.refunds']);
  });
});

describe('SCD Type 2 and unmanaged kinds', () => {
  it("read SQLMesh's arguments and defaults; SCD_TYPE_2 is SCD_TYPE_2_BY_TIME; both are forward-only unless told otherwise", () => {
    const alias = read(`MODEL (name s.t, kind SCD_TYPE_2 (unique_key id)); SELECT 1 AS id, now() AS updated_at`);
    expect(alias.kind).toEqual({
      name: 'SCD_TYPE_2_BY_TIME',
      uniqueKey: ['id'],
      validFromName: 'valid_from',
      validToName: 'valid_to',
      invalidateHardDeletes: false,
      timeDataType: 'TIMESTAMP',
      updatedAtName: 'updated_at',
      updatedAtAsValidFrom: false,
    });
    expect(alias.forwardOnly).toBe(true);
    const byColumn = read(`MODEL (name s.t, kind SCD_TYPE_2_BY_COLUMN (unique_key [a, b], columns *, valid_from_name start_at, time_data_type timestamptz, execution_time_as_valid_from true, forward_only false)); SELECT 1 AS a`);
    expect(byColumn.kind).toMatchObject({ columns: '*', uniqueKey: ['a', 'b'], validFromName: 'start_at', timeDataType: 'TIMESTAMPTZ', executionTimeAsValidFrom: true });
    expect(byColumn.forwardOnly).toBe(false);
    expect(read(`MODEL (name s.t, kind INCREMENTAL_UNMANAGED); SELECT 1`).kind).toEqual({ name: 'INCREMENTAL_UNMANAGED', insertOverwrite: false });
    // INCREMENTAL_BY_PARTITION reads the MODEL's partitioned_by, and is always forward-only.
    const byPartition = read(`MODEL (name s.t, kind INCREMENTAL_BY_PARTITION, partitioned_by (region, dept)); SELECT 1`);
    expect(byPartition.kind).toEqual({ name: 'INCREMENTAL_BY_PARTITION', partitionedBy: ['region', 'dept'] });
    expect(byPartition.forwardOnly).toBe(true);
  });

  it.each([
    [`MODEL (name s.t, kind SCD_TYPE_2_BY_COLUMN (unique_key id)); SELECT 1`, "SCD_TYPE_2_BY_COLUMN needs 'columns'"],
    [`MODEL (name s.t, kind SCD_TYPE_2_BY_TIME (unique_key id, disable_restatement false)); SELECT 1`, "'disable_restatement' is not supported"],
    [`MODEL (name s.t, kind SCD_TYPE_2 (unique_key id, time_data_type 'x;y')); SELECT 1`, 'time_data_type'],
  ])('refuse %j', (text, message) => {
    expect(errorOf(() => read(text)).message).toContain(message);
  });
});

describe('SEED paths', () => {
  it("read SQLMesh's $root as the project's root", async () => {
    const csv = 'id,name\n1,a\n';
    const seed = (path: string) => `MODEL (name raw.a, kind SEED (path '${path}'));`;
    const rooted = await projects.load({ 'models/raw/a.sql': seed('$root/seeds/a.csv'), 'seeds/a.csv': csv });
    expect(rooted.models.get('raw.a')!.kind).toEqual({ name: 'SEED', path: '../../seeds/a.csv' });
    const relative = await projects.load({ 'models/raw/a.sql': seed('../../seeds/a.csv'), 'seeds/a.csv': csv });
    expect(fingerprintProject(rooted).get('raw.a')!.id).toBe(fingerprintProject(relative).get('raw.a')!.id);
  });
});
