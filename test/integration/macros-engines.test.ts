import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const src = (last: number) => `MODEL (name core.src, kind FULL);\nSELECT g.n FROM generate_series(1, ${last}) AS g(n)`;

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

    it('pre- and post-statements read model names as the query does: the physical tables this build reads, not prod\'s views', async () => {
      e.project.write('models/src.sql', src(3));
      e.project.write('models/nums.sql', [
        'MODEL (name core.nums, kind FULL);',
        'CREATE SCHEMA IF NOT EXISTS ops;',
        'CREATE TABLE IF NOT EXISTS ops.build_log (model_rows BIGINT, src_rows BIGINT);',
        'SELECT n * 10 AS n FROM core.src;',
        "@IF(@runtime_stage = 'evaluating', INSERT INTO ops.build_log SELECT (SELECT count(*) FROM core.nums), (SELECT count(*) FROM \"core\".\"src\"));",
      ].join('\n'));
      await e.project.planAndApply('prod');
      // dev builds core.src with 5 rows before any dev view exists: prod's view still has 3.
      e.project.write('models/src.sql', src(5));
      await e.project.planAndApply('dev');
      const log = await e.sql('SELECT model_rows, src_rows FROM ops.build_log');
      expect(log.map((r) => [Number(r.model_rows), Number(r.src_rows)])).toEqual([[3, 3], [5, 5]]);
    });

    it('runs ON_VIRTUAL_UPDATE statements once views are swapped: @this_model and model names are the environment\'s views', async () => {
      const nums = (note: string) => [
        'MODEL (name core.nums, kind FULL);',
        'SELECT n FROM core.src;',
        'ON_VIRTUAL_UPDATE_BEGIN;',
        'CREATE SCHEMA IF NOT EXISTS ops;',
        'CREATE TABLE IF NOT EXISTS ops.virtual_log (stage TEXT, own_rows BIGINT, src_rows BIGINT);',
        'INSERT INTO ops.virtual_log SELECT @runtime_stage, (SELECT count(*) FROM @this_model), (SELECT count(*) FROM core.src);',
        `COMMENT ON VIEW @this_model IS '${note}';`,
        'ON_VIRTUAL_UPDATE_END;',
      ].join('\n');
      e.project.write('models/src.sql', src(3));
      e.project.write('models/nums.sql', nums('read me'));
      await e.project.planAndApply('prod');
      const log = async () => (await e.sql('SELECT stage, own_rows, src_rows FROM ops.virtual_log')).map((r) => [r.stage, Number(r.own_rows), Number(r.src_rows)]);
      const comment = (schema: string) => e.sql(engine.name === 'DuckDB'
        ? `SELECT comment AS c FROM duckdb_views() WHERE schema_name = '${schema}' AND view_name = 'nums'`
        : `SELECT obj_description('${schema}.nums'::regclass, 'pg_class') AS c`).then((rows) => rows[0]?.c);
      expect(await log()).toEqual([['promoting', 3, 3]]);
      expect(await comment('core')).toBe('read me');

      // In dev, core.src has 5 rows: the statements read dev's views, not prod's.
      e.project.write('models/src.sql', src(5));
      await e.project.planAndApply('dev');
      expect(await log()).toEqual([['promoting', 3, 3], ['promoting', 5, 5]]);
      expect(await comment('core__dev')).toBe('read me');

      // A change to the statements alone is metadata: nothing is built, and they run again.
      e.project.write('models/nums.sql', nums('read me, dev'));
      const metadata = await e.project.planAndApply('dev');
      expect(metadata.result.built).toEqual([]);
      expect(await comment('core__dev')).toBe('read me, dev');
      expect(await comment('core')).toBe('read me');
      expect(await log()).toHaveLength(3);

      // Nothing changed: nothing runs.
      await e.project.planAndApply('dev');
      expect(await log()).toHaveLength(3);
    });

    it('runs the config\'s beforeAll and afterAll once per apply, in the environment\'s context; a bad entry stops the apply before anything runs', async () => {
      const config = (afterAll: string) => e.project.edit('planner.config.ts', /\n};\n$/, `
  beforeAll: [
    'CREATE SCHEMA IF NOT EXISTS ops; CREATE TABLE IF NOT EXISTS ops.runs (env TEXT, stage TEXT, src_rows BIGINT)',
    "INSERT INTO ops.runs SELECT @this_env, @runtime_stage, NULL",
  ],
  afterAll: [${afterAll}],
};
`);
      e.project.write('macros/grants.ts', [
        '// One statement per view of the environment, as a grant macro would return them.',
        'export function comment_views(evaluator) {',
        "  return evaluator.views.map((v) => `COMMENT ON VIEW ${v} IS ${evaluator.literal('in ' + evaluator.thisEnv)}`);",
        '}',
      ].join('\n'));
      e.project.write('models/src.sql', src(3));
      config(`"INSERT INTO ops.runs SELECT @this_env, @runtime_stage, (SELECT count(*) FROM core.src)", '@comment_views()'`);
      await e.project.planAndApply('prod');
      e.project.write('models/src.sql', src(5));
      await e.project.planAndApply('dev');
      // `planner run` runs them too, with the environment as recorded.
      await e.project.with((ctx) => ctx.run('dev'));
      const runs = await e.sql('SELECT env, stage, src_rows FROM ops.runs');
      // afterAll reads core.src's physical table in each plan: 3 rows in prod's, 5 in dev's.
      expect(runs.map((r) => [r.env, r.stage, r.src_rows === null ? null : Number(r.src_rows)])).toEqual([
        ['prod', 'before_all', null],
        ['prod', 'after_all', 3],
        ['dev', 'before_all', null],
        ['dev', 'after_all', 5],
        ['dev', 'before_all', null],
        ['dev', 'after_all', 5],
      ]);
      const comment = engine.name === 'DuckDB'
        ? "SELECT comment AS c FROM duckdb_views() WHERE schema_name = 'core__dev' AND view_name = 'src'"
        : "SELECT obj_description('core__dev.src'::regclass, 'pg_class') AS c";
      expect((await e.sql(comment))[0].c).toBe('in dev');

      e.project.edit('planner.config.ts', "'@comment_views()'", "'@nope()'");
      e.project.write('models/src.sql', src(7));
      const bad = await runCli(['plan', 'dev', '--auto-apply', '-p', e.project.dir]);
      expect(bad.code).toBe(2);
      expect(bad.text).toContain("config key 'afterAll[1]': unknown macro @nope");
      expect(await e.sql('SELECT count(*) AS n FROM ops.runs').then((r) => Number(r[0].n))).toBe(6);
    });

    it('blueprints build one model per entry, each with its own variables', async () => {
      e.project.write('models/tenants.sql', [
        'MODEL (',
        '  name @tenant.totals,',
        '  kind FULL,',
        "  blueprints ((tenant := north, rows := 2, label := 'North'), (tenant := south, rows := 4, label := 'South')),",
        ');',
        "SELECT @label AS label, count(*) AS n, @BLUEPRINT_VAR('rows') * 10 AS cap FROM generate_series(1, @rows) AS g(n)",
      ].join('\n'));
      await e.project.planAndApply('prod');
      const rows = await e.sql('SELECT label, n, cap FROM north.totals UNION ALL SELECT label, n, cap FROM south.totals ORDER BY label');
      expect(rows.map((r) => [r.label, Number(r.n), Number(r.cap)])).toEqual([['North', 2, 20], ['South', 4, 40]]);
    });

    it('Jinja blocks render with nunjucks: the query and the statements after it', async () => {
      e.project.write('models/j.sql', [
        'MODEL (name core.j, kind FULL);',
        'JINJA_QUERY_BEGIN;',
        "SELECT {% for i in range(1, 4) %}{{ i * var('factor', 1) }} AS c{{ i }}{% if not loop.last %}, {% endif %}{% endfor %}, '{{ execution_ds }}' AS ran",
        'JINJA_END;',
        'JINJA_STATEMENT_BEGIN;',
        "{% for t in ['one', 'two'] %}CREATE TABLE IF NOT EXISTS public_{{ t }} AS SELECT c3 FROM {{ this_model }};{% endfor %}",
        'JINJA_END;',
      ].join('\n'));
      e.project.edit('planner.config.ts', /\n};\n$/, '\n  variables: { factor: 10 },\n};\n');
      await e.project.planAndApply('prod');
      const rows = await e.sql('SELECT c1, c2, c3, ran FROM core.j');
      expect(rows.map((r) => [Number(r.c1), Number(r.c2), Number(r.c3), typeof r.ran === 'string' || r.ran instanceof Date])).toEqual([[10, 20, 30, true]]);
      for (const t of ['public_one', 'public_two']) expect((await e.sql(`SELECT c3 FROM ${t}`)).map((r) => Number(r.c3))).toEqual([30]);
    });

    it('Jinja macros from macros/*.sql, and runtime variables as SQLMesh prints them (bare, or quoted where the model quotes them)', async () => {
      e.project.write('macros/math.sql', '{% macro times(col, k=10) %}({{ col }} * {{ k }}){% endmacro %}\n');
      e.project.write('models/jm.sql', [
        "MODEL (name core.jm, kind FULL, start '2024-01-01');",
        'JINJA_QUERY_BEGIN;',
        "SELECT {{ times('g.n') }} AS v, '{{ start_ds }}' AS s, CAST('{{ start_date }} 12:00:00' AS TIMESTAMP) AS noon, {{ start_epoch }} AS ep FROM generate_series(1, 2) AS g(n)",
        'JINJA_END;',
        'CREATE TABLE IF NOT EXISTS jm_log (stage TEXT, k INT);',
        'JINJA_STATEMENT_BEGIN;',
        "INSERT INTO jm_log VALUES ('{{ runtime_stage }}', {{ times(2, k=3) }});",
        "{% if runtime_stage == 'evaluating' %}INSERT INTO jm_log VALUES ('only when evaluating', 0);{% endif %}",
        'JINJA_END;',
      ].join('\n'));
      await e.project.planAndApply('prod');
      const rows = await e.sql("SELECT v, s, CAST(noon AS VARCHAR) AS noon, ep FROM core.jm ORDER BY v");
      expect(rows.map((r) => [Number(r.v), String(r.s), String(r.noon), Number(r.ep)])).toEqual([
        [10, '2024-01-01', '2024-01-01 12:00:00', 1704067200],
        [20, '2024-01-01', '2024-01-01 12:00:00', 1704067200],
      ]);
      expect((await e.sql('SELECT stage, k FROM jm_log ORDER BY k')).map((r) => [r.stage, Number(r.k)])).toEqual([['only when evaluating', 0], ['evaluating', 6]]);
    });

    it('modelDefaults statements run around every model and at its virtual update, before the model\'s own', async () => {
      e.project.edit('planner.config.ts', /cron: '@daily' \}/, [
        "cron: '@daily',",
        "    preStatements: ['CREATE TABLE IF NOT EXISTS defaults_log (n BIGINT, stage TEXT, k INT)'],",
        "    postStatements: [\"@IF(@runtime_stage = 'evaluating', INSERT INTO defaults_log SELECT count(*), @runtime_stage, 1 FROM @this_model)\"],",
        "    onVirtualUpdate: ['INSERT INTO defaults_log SELECT count(*), @runtime_stage, 1 FROM @this_model'],",
        '  }',
      ].join('\n'));
      e.project.write('models/src.sql', src(3));
      e.project.write('models/nums.sql', 'MODEL (name core.nums, kind FULL);\nSELECT n FROM core.src WHERE n > 1;\nINSERT INTO defaults_log SELECT count(*), @runtime_stage, 2 FROM @this_model;');
      await e.project.planAndApply('prod');
      const log = await e.sql('SELECT n, stage, k FROM defaults_log ORDER BY stage, k, n');
      // Each model's build: the default post-statement (k 1) before the model's own (k 2); then each view's virtual update.
      expect(log.map((r) => [Number(r.n), r.stage, Number(r.k)])).toEqual([
        [2, 'evaluating', 1], [3, 'evaluating', 1], [2, 'evaluating', 2],
        [2, 'promoting', 1], [3, 'promoting', 1],
      ]);
    });

    it('blueprints made by a macro: @EACH builds one model per entry', async () => {
      e.project.write('models/by_region.sql', [
        'MODEL (name @region.sizes, kind FULL, blueprints @EACH([(east, 2), (west, 3)], (r, k) -> (region := r, rows := k)));',
        'SELECT count(*) AS n FROM generate_series(1, @rows) AS g(n)',
      ].join('\n'));
      await e.project.planAndApply('prod');
      const rows = await e.sql("SELECT 'east' AS region, n FROM east.sizes UNION ALL SELECT 'west', n FROM west.sizes ORDER BY region");
      expect(rows.map((r) => [r.region, Number(r.n)])).toEqual([['east', 2], ['west', 3]]);
    });

    it('a failing ON_VIRTUAL_UPDATE statement fails the apply and leaves the environment as it was', async () => {
      e.project.write('models/nums.sql', 'MODEL (name core.nums, kind FULL);\nSELECT 1 AS n;\nON_VIRTUAL_UPDATE_BEGIN;\nINSERT INTO nowhere.missing SELECT 1;\nON_VIRTUAL_UPDATE_END;');
      await expect(e.project.planAndApply('prod')).rejects.toThrow(/missing/);
      expect((await e.objects()).filter((o) => o.startsWith('core.'))).toEqual([]);
      expect(Number((await e.sql('SELECT count(*) AS n FROM planner_state.environments'))[0].n)).toBe(0);
    });
  });
}
