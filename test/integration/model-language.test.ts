import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { readExternalModels } from '../../src/model/external-models.js';

const server = await postgresServer();
/** Fixed clock: 2024-01-04 12:00 UTC, so 2024-01-01 .. 03 are complete days. */
const now = () => new Date(Date.UTC(2024, 0, 4, 12));

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`SQLMesh model language on ${engine.name}`, () => {
    let current: EngineProject | undefined;
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const setup = async (files: Record<string, string>) => {
      current = await engine.setup(undefined, []);
      mkdirSync(current.project.path('models'), { recursive: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(current.project.path(path)), { recursive: true });
        current.project.write(path, text);
      }
      return current;
    };

    it("compares a time column stored as text in its own format (time_column (ds, '%Y%m%d'))", async () => {
      const e = await setup({
        'models/events.sql': `MODEL (name core.events, kind INCREMENTAL_BY_TIME_RANGE (time_column (ds, '%Y%m%d')), start '2024-01-01');
SELECT ds, v FROM raw.events`,
      });
      await e.sql('CREATE SCHEMA raw');
      await e.sql(
        "CREATE TABLE raw.events AS SELECT * FROM (VALUES ('20231231', 0), ('20240101', 1), ('20240102', 2), ('20240103', 3), ('20240104', 4)) AS t (ds, v)",
      );
      await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now });
      expect(await e.sql('SELECT ds, v FROM core.events ORDER BY ds')).toEqual([
        { ds: '20240101', v: 1 },
        { ds: '20240102', v: 2 },
        { ds: '20240103', v: 3 },
      ]);
    });

    it('says in planner info which accepted properties are applied to tables and which are not', async () => {
      const e = await setup({
        'models/t.sql': `MODEL (name core.t, kind FULL, partitioned_by ds, physical_properties (fillfactor = 70), stamp 'v1');\nSELECT CAST('2024-01-01' AS DATE) AS ds`,
      });
      const { code, text } = await runCli(['info', '--json', '-p', e.project.dir]);
      expect(code).toBe(0);
      const models = JSON.parse(text).models;
      if (engine.name === 'DuckDB') {
        expect(models.notApplied).toEqual([
          'core.t: partitioned_by, physical_properties (DuckDB has no declarative partitioning or table storage parameters: the table is built without them)',
        ]);
      } else {
        // PostgreSQL applies both (test/integration/table-layout.test.ts reads the catalog).
        expect(models.applied).toEqual(['core.t: partitioned_by: PARTITION BY RANGE (ds) with a DEFAULT partition; physical_properties: WITH (fillfactor = 70) on the DEFAULT partition']);
        expect(models.notApplied).toEqual([]);
      }
    });

    it('refuses at plan time a table that is neither a model, nor declared, nor in the warehouse, naming the model it may mean', async () => {
      const e = await setup({
        'models/orders.sql': `MODEL (name staging.orders, kind FULL);\nSELECT 1 AS id, 10 AS amount`,
        'models/totals.sql': `MODEL (name marts.totals, kind FULL);\nSELECT sum(amount) AS total\n  FROM staging.order`,
      });
      const { code, text } = await runCli(['plan', '--auto-apply', '-p', e.project.dir]);
      expect(code).toBe(2);
      expect(text).toContain('models/totals.sql:3:8: marts.totals reads staging.order, which is not a model, not declared in external_models.yaml, and not in the warehouse');
      expect(text).toContain('did you mean staging.orders?');
      expect((await e.objects()).filter((o) => !o.startsWith('planner_state.'))).toEqual([]);
      await e.project.with(async (ctx) => expect(await ctx.state.listEnvironments()).toEqual([]));
    });

    it('writes external_models.yaml from the catalog, and unit tests take the declared column types', async () => {
      const e = await setup({
        'models/big.sql': `MODEL (name core.big_orders, kind FULL);\nSELECT id, length(note) AS note_length FROM raw.orders WHERE amount > 100`,
        // The note is written as a number; only the declared TEXT type makes length() apply.
        'tests/big.yaml': `test_big:\n  model: core.big_orders\n  inputs:\n    raw.orders:\n      - {id: 1, amount: 150.5, note: 12345}\n      - {id: 2, amount: 20, note: 1}\n  outputs:\n    query:\n      - {id: 1, note_length: 5}\n`,
      });
      await e.sql('CREATE SCHEMA raw');
      await e.sql('CREATE TABLE raw.orders (id INTEGER, amount NUMERIC(10, 2), note TEXT)');
      const created = await runCli(['create-external-models', '-p', e.project.dir]);
      expect(created.code, created.text).toBe(0);
      const declared = readExternalModels(e.project.read('external_models.yaml'), 'external_models.yaml');
      expect(declared.map((d) => [d.name, d.columns!.map((c) => c.name)])).toEqual([['raw.orders', ['id', 'amount', 'note']]]);
      expect(declared[0].columns![2].type).toMatch(/^(VARCHAR|TEXT)$/);
      const tested = await runCli(['test', '-p', e.project.dir]);
      expect(tested.code, tested.text).toBe(0);
    });
  });
}
