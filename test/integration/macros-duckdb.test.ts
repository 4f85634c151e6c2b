import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/project.js';

describe('macros and statements around the query on DuckDB', () => {
  const projects: TempProject[] = [];
  afterEach(() => projects.splice(0).forEach((p) => p.remove()));

  it('builds a model with a TypeScript macro, @DEF/@EACH, and runs its pre- and post-statements in the build', async () => {
    const p = new TempProject(undefined, []);
    projects.push(p);
    p.write('planner.config.ts', "export default { gateways: { local: { type: 'duckdb', path: 'w.duckdb' } } };\n");
    mkdirSync(p.path('models'));
    mkdirSync(p.path('macros'));
    p.write('macros/util.ts', 'export function add_one(evaluator, column) {\n  return `${column} + 1`;\n}\n');
    p.write('models/nums.sql', [
      'MODEL (name core.nums, kind FULL);',
      '@DEF(kinds, [0, 1]);',
      'CREATE TABLE IF NOT EXISTS main.build_log (stage TEXT, n BIGINT);',
      'SELECT range AS id, @add_one(range) AS next, @EACH(@kinds, k -> CASE WHEN range % 2 = k THEN 1 ELSE 0 END AS is_@k) FROM range(3);',
      "@IF(@runtime_stage = 'evaluating', INSERT INTO main.build_log SELECT @runtime_stage, count(*) FROM @this_model);",
    ].join('\n'));
    await p.planAndApply('prod');
    const rows = await p.with(async (ctx) => ({
      nums: (await ctx.engine.query('SELECT id, next, is_0, is_1 FROM core.nums ORDER BY id')).rows,
      log: (await ctx.engine.query('SELECT stage, n FROM main.build_log')).rows,
    }));
    expect(rows.nums).toEqual([
      { id: 0, next: 1, is_0: 1, is_1: 0 },
      { id: 1, next: 2, is_0: 0, is_1: 1 },
      { id: 2, next: 3, is_0: 1, is_1: 0 },
    ]);
    expect(rows.log).toEqual([{ stage: 'evaluating', n: 3 }]);
  });
});
