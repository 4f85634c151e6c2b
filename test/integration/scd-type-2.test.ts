import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const at = (day: number, hour = 6) => () => new Date(Date.UTC(2024, 0, day, hour));

const byTime = `MODEL (
  name core.customer_history,
  kind SCD_TYPE_2_BY_TIME (unique_key id, invalidate_hard_deletes true),
  start '2024-01-01'
);
SELECT id, name, updated_at FROM raw.customers`;

const byColumn = `MODEL (
  name core.customer_names,
  kind SCD_TYPE_2_BY_COLUMN (unique_key [id], columns [name], invalidate_hard_deletes true),
  start '2024-01-01'
);
SELECT id, name FROM raw.customers`;

const unmanaged = `MODEL (name core.snapshots_log, kind INCREMENTAL_UNMANAGED, start '2024-01-01');
SELECT id, name FROM raw.customers`;

/** Validity columns as text, the same on both engines. */
const history = (table: string, extra = '') =>
  `SELECT id, name${extra}, CAST(valid_from AS VARCHAR) AS valid_from, CAST(valid_to AS VARCHAR) AS valid_to FROM ${table} ORDER BY id, valid_from`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`SCD Type 2 and unmanaged models on ${engine.name}`, () => {
    let e: EngineProject | undefined;
    afterEach(async () => {
      await e?.cleanup();
      e = undefined;
    });

    async function setup(files: Record<string, string>): Promise<EngineProject> {
      e = await engine.setup(undefined, []);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(e.project.path(path)), { recursive: true });
        e.project.write(path, text);
      }
      await e.sql('CREATE SCHEMA raw');
      await e.sql('CREATE TABLE raw.customers (id INTEGER, name VARCHAR(20), updated_at TIMESTAMP)');
      await e.sql("INSERT INTO raw.customers VALUES (1, 'ann', '2024-01-01 09:00:00'), (2, 'bob', '2024-01-01 09:00:00')");
      await e.project.with(async (ctx) => ctx.apply(await ctx.plan('prod')), { now: at(2) });
      return e;
    }

    /** Day 2: ann renamed, bob deleted; day 3: bob back. Each followed by `planner run` the next morning. */
    async function updateDeleteReinsert(p: EngineProject, check: () => Promise<void>): Promise<void> {
      await p.sql("UPDATE raw.customers SET name = 'anna', updated_at = '2024-01-02 10:00:00' WHERE id = 1");
      await p.sql('DELETE FROM raw.customers WHERE id = 2');
      await p.project.with((ctx) => ctx.run('prod'), { now: at(3) });
      await check();
      await p.sql("INSERT INTO raw.customers VALUES (2, 'bobby', '2024-01-03 08:00:00')");
      await p.project.with((ctx) => ctx.run('prod'), { now: at(4) });
    }

    it('by time: keeps history across three runs with an update, a delete and a re-insert', async () => {
      const p = await setup({ 'models/history.sql': byTime });
      expect(await p.sql(history('core.customer_history'))).toEqual([
        { id: 1, name: 'ann', valid_from: '1970-01-01 00:00:00', valid_to: null },
        { id: 2, name: 'bob', valid_from: '1970-01-01 00:00:00', valid_to: null },
      ]);
      await updateDeleteReinsert(p, async () => {
        expect(await p.sql(history('core.customer_history'))).toEqual([
          { id: 1, name: 'ann', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-02 10:00:00' },
          { id: 1, name: 'anna', valid_from: '2024-01-02 10:00:00', valid_to: null },
          // Deleted: closed at the run's time.
          { id: 2, name: 'bob', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-03 06:00:00' },
        ]);
      });
      expect(await p.sql(history('core.customer_history'))).toEqual([
        { id: 1, name: 'ann', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-02 10:00:00' },
        { id: 1, name: 'anna', valid_from: '2024-01-02 10:00:00', valid_to: null },
        { id: 2, name: 'bob', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-03 06:00:00' },
        // Back: valid from its update time, the later of that and when it was closed.
        { id: 2, name: 'bobby', valid_from: '2024-01-03 08:00:00', valid_to: null },
      ]);

      // Restating would rebuild history from today's source: refused, nothing changes.
      const restate = await runCli(['plan', '--restate-model', 'core.customer_history', '--auto-apply', '-p', p.project.dir]);
      expect(restate.code).toBe(2);
      expect(restate.text).toContain('core.customer_history is a SCD_TYPE_2_BY_TIME model');

      // Forward-only by nature: a new column is added to the kept table, history stays.
      p.project.edit('models/history.sql', 'SELECT id, name,', 'SELECT id, name, upper(name) AS shout,');
      await p.project.with(async (ctx) => {
        const plan = await ctx.plan('prod');
        expect(plan.directlyModified).toEqual([{ name: 'core.customer_history', category: 'forward-only' }]);
        await ctx.apply(plan);
      }, { now: at(4, 7) });
      expect(await p.sql(history('core.customer_history', ', shout'))).toHaveLength(4);
    });

    it('by column: closes a changed, deleted or returning row at the run time', async () => {
      const p = await setup({ 'models/names.sql': byColumn, 'models/log.sql': unmanaged });
      await updateDeleteReinsert(p, async () => {
        expect(await p.sql(history('core.customer_names'))).toEqual([
          { id: 1, name: 'ann', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-03 06:00:00' },
          { id: 1, name: 'anna', valid_from: '2024-01-03 06:00:00', valid_to: null },
          { id: 2, name: 'bob', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-03 06:00:00' },
        ]);
      });
      expect(await p.sql(history('core.customer_names'))).toEqual([
        { id: 1, name: 'ann', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-03 06:00:00' },
        { id: 1, name: 'anna', valid_from: '2024-01-03 06:00:00', valid_to: null },
        { id: 2, name: 'bob', valid_from: '1970-01-01 00:00:00', valid_to: '2024-01-03 06:00:00' },
        { id: 2, name: 'bobby', valid_from: '2024-01-04 06:00:00', valid_to: null },
      ]);
      // Unmanaged: each of the three runs appended what the source held then.
      expect(await p.sql('SELECT id, name, CAST(count(*) AS INTEGER) AS n FROM core.snapshots_log GROUP BY id, name ORDER BY id, name')).toEqual([
        { id: 1, name: 'ann', n: 1 },
        { id: 1, name: 'anna', n: 2 },
        { id: 2, name: 'bob', n: 1 },
        { id: 2, name: 'bobby', n: 1 },
      ]);
    });
  });
}
