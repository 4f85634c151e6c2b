import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

// The same model on both engines: only SQL both accept (generate_series with a column alias).
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`macros and statements around the query on ${engine.name}`, () => {
    let e: EngineProject;
    beforeEach(async () => {
      e = await engine.setup(undefined, []);
      mkdirSync(e.project.path('models'));
      mkdirSync(e.project.path('macros'));
    });
    afterEach(() => e.cleanup());

    it('builds a model with a TypeScript macro, @DEF/@EACH, and runs its pre- and post-statements in the build', async () => {
      e.project.write('macros/util.ts', 'export function add_one(evaluator, column) {\n  return `${column} + 1`;\n}\n');
      e.project.write('models/nums.sql', [
        'MODEL (name core.nums, kind FULL);',
        '@DEF(kinds, [0, 1]);',
        'CREATE SCHEMA IF NOT EXISTS ops;',
        'CREATE TABLE IF NOT EXISTS ops.build_log (stage TEXT, n BIGINT);',
        'SELECT g.n AS id, @add_one(g.n) AS next, @EACH(@kinds, k -> CASE WHEN g.n % 2 = k THEN 1 ELSE 0 END AS is_@k) FROM generate_series(0, 2) AS g(n);',
        "@IF(@runtime_stage = 'evaluating', INSERT INTO ops.build_log SELECT @runtime_stage, count(*) FROM @this_model);",
        'CREATE INDEX nums_id ON @this_model (id);',
      ].join('\n'));
      await e.project.planAndApply('prod');
      const nums = await e.sql('SELECT id, next, is_0, is_1 FROM core.nums ORDER BY id');
      expect(nums.map((r) => [r.id, r.next, r.is_0, r.is_1].map(Number))).toEqual([
        [0, 1, 1, 0],
        [1, 2, 0, 1],
        [2, 3, 1, 0],
      ]);
      const log = await e.sql('SELECT stage, n FROM ops.build_log');
      expect(log.map((r) => [r.stage, Number(r.n)])).toEqual([['evaluating', 3]]);
      // The post-statement's index is on the physical table the view reads.
      const indexes = engine.name === 'DuckDB'
        ? await e.sql("SELECT schema_name AS s, table_name AS t FROM duckdb_indexes() WHERE index_name = 'nums_id'")
        : await e.sql("SELECT schemaname AS s, tablename AS t FROM pg_indexes WHERE indexname = 'nums_id'");
      expect(indexes.map((r) => `${r.s}.${r.t}`)).toEqual([expect.stringMatching(/^planner__core\.core__nums__/)]);
    });
  });
}
