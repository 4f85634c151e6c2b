import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { engineCases, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

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
      for (const [path, text] of Object.entries(files)) current.project.write(path, text);
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
  });
}
