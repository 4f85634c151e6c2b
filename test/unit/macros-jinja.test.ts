import { afterEach, describe, expect, it } from 'vitest';
import { renderQuery, renderStatements } from '../../src/model/render.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

// One day, as SQLMesh renders it: start 2024-01-01, inclusive end 2024-01-01 23:59:59.999999.
const day = { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-02T00:00:00Z'), execution: new Date('2024-01-03T04:05:06.789Z') };
const model = (body: string) => `MODEL (name s.j, kind FULL);\nJINJA_QUERY_BEGIN;\n${body}\nJINJA_END;`;

async function rendered(body: string, files: Record<string, string> = {}, variables: Record<string, unknown> = {}) {
  const m = (await projects.load({ 'models/j.sql': model(body), ...files }, variables)).models.get('s.j')!;
  return renderQuery(m, () => undefined, day, '"s"."j"');
}

describe('Jinja blocks print what SQLMesh prints', () => {
  it('runtime variables are the bare Python values of SQLMesh\'s date_dict, quoted only where the model quotes them', async () => {
    // Each value as SQLMesh's test_model.py / utils/date.py give it for this interval.
    expect(await rendered("SELECT '{{ start_ds }}' AS a, '{{ end_ds }}' AS b, '{{ start_ts }}' AS c, '{{ end_ts }}' AS d, '{{ end_tstz }}' AS e")).toBe(
      "SELECT '2024-01-01' AS a, '2024-01-01' AS b, '2024-01-01 00:00:00' AS c, '2024-01-01 23:59:59.999999' AS d, '2024-01-01 23:59:59.999999+00:00' AS e",
    );
    expect(await rendered('SELECT {{ start_ds }} AS a, {{ start_epoch }} AS b, {{ end_epoch }} AS c, {{ start_millis }} AS d, {{ end_hour }} AS e')).toBe(
      'SELECT 2024-01-01 AS a, 1704067200.0 AS b, 1704153599.999 AS c, 1704067200000 AS d, 23 AS e',
    );
    expect(await rendered("SELECT '{{ start_date }}' AS a, '{{ start_dt }}' AS b, '{{ end_dtntz }}' AS c, '{{ execution_ts }}' AS d, '{{ runtime_stage }}' AS e")).toBe(
      "SELECT '2024-01-01' AS a, '2024-01-01 00:00:00+00:00' AS b, '2024-01-01 23:59:59.999999' AS c, '2024-01-03 04:05:06.789000' AS d, 'evaluating' AS e",
    );
    // Inside a longer literal too, which macro substitution never enters.
    expect(await rendered("SELECT CAST('{{ start_date }} 12:00' AS TIMESTAMP) AS t")).toBe("SELECT CAST('2024-01-01 12:00' AS TIMESTAMP) AS t");
  });

  it('keeps \'{{ start_ds }}\' as @start_ds in the model, so the fingerprint is the same for every interval', async () => {
    const load = async (lo: string) => (await projects.load({ 'models/j.sql': model(`SELECT 1 AS x WHERE '{{ start_ds }}' >= '${lo}' AND {{ start_millis }} > 0`) })).models.get('s.j')!;
    expect((await load('2020-01-01')).query).toBe("SELECT 1 AS x WHERE @start_ds >= '2020-01-01' AND @__jinja_start_millis > 0");
  });

  it('{{ gateway }} and var() are known when the model loads; a condition on a runtime variable is refused by name', async () => {
    expect(await rendered("SELECT '{{ gateway }}' AS g{% if var('wide', false) %}, 2 AS w{% endif %}", {}, { wide: true })).toBe("SELECT 'local' AS g, 2 AS w");
    const stage = await projects.loadError({ 'models/j.sql': model("SELECT 1 AS x{% if runtime_stage == 'evaluating' %}, 2 AS y{% endif %}") });
    expect(stage.message).toMatch(/^Jinja reads runtime_stage in a condition or expression: .*@IF\(@runtime_stage/);
    expect(stage.location).toMatchObject({ file: 'models/j.sql', line: 3 });
    const filtered = await projects.loadError({ 'models/j.sql': model("SELECT {{ start_ds | replace('-', '') }} AS d") });
    expect(filtered.message).toMatch(/^Jinja reads start_ds \| replace: /);
  });

  it('@this_env and this_env are refused in a model (SQLMesh knows them only in before_all/after_all); @gateway is the gateway', async () => {
    for (const [file, line] of [
      ['MODEL (name s.j, kind FULL);\nSELECT @this_env AS e', 2],
      ["MODEL (name s.j, kind FULL);\nSELECT 1 AS x;\n@IF(@this_env = 'prod', ANALYZE @this_model);", 3],
      [model("SELECT 1 AS x{% if this_env == 'prod' %}, 2 AS y{% endif %}"), 3],
    ] as const) {
      const err = await projects.loadError({ 'models/j.sql': file });
      expect(err.message).toMatch(/this_env is known only in beforeAll and afterAll, as in SQLMesh/);
      expect(err.location).toMatchObject({ file: 'models/j.sql', line });
    }
    const m = (await projects.load({ 'models/j.sql': 'MODEL (name s.j, kind FULL);\nSELECT @gateway AS g' })).models.get('s.j')!;
    expect(m.query).toBe("SELECT 'local' AS g");
  });

  it('a statement block may decide on runtime_stage: rendered per stage, each statement kept for its stage', async () => {
    const m = (await projects.load({
      'models/j.sql': "MODEL (name s.j, kind FULL);\nSELECT 1 AS x;\nJINJA_STATEMENT_BEGIN;\n{% if runtime_stage == 'evaluating' %}INSERT INTO log SELECT a, b FROM t;{% else %}ANALYZE {{ this_model }};{% endif %}\nJINJA_END;",
    })).models.get('s.j')!;
    expect(m.statements!.post).toEqual([
      "@IF(@runtime_stage = 'creating', ANALYZE @this_model)",
      // @IF's statement form joins its arguments back without the space after a comma.
      "@IF(@runtime_stage = 'evaluating', INSERT INTO log SELECT a,b FROM t)",
      "@IF(@runtime_stage = 'promoting', ANALYZE @this_model)",
    ]);
    expect(renderStatements(m.statements!.post, 'duckdb', day, '"s"."j"', 'evaluating')).toEqual(['INSERT INTO log SELECT a,b FROM t']);
    expect(renderStatements(m.statements!.post, 'duckdb', day, '"s"."j"', 'creating')).toEqual(['ANALYZE "s"."j"']);
  });

  it('statement blocks print the same values when the statement runs', async () => {
    const m = (await projects.load({
      'models/j.sql': "MODEL (name s.j, kind FULL);\nSELECT 1 AS x;\nJINJA_STATEMENT_BEGIN;\nINSERT INTO log VALUES ('{{ start_date }}', {{ end_millis }}, '{{ runtime_stage }}');\nJINJA_END;",
    })).models.get('s.j')!;
    expect(renderStatements(m.statements!.post, 'duckdb', day, '"s"."j"', 'evaluating')).toEqual(["INSERT INTO log VALUES ('2024-01-01', 1704153599999, 'evaluating')"]);
  });
});

describe('Jinja macros in macros/*.sql', () => {
  const files = {
    'macros/cols.sql': "{% macro money(col, scale=100) %}ROUND({{ col }} / {{ scale }}, 2){% endmacro %}\n{% macro since(col) %}{{ col }} >= '{{ start_ds }}'{% endmacro %}\n",
    'macros/more.sql': '{% macro both(a, b) %}{{ money(a) }} + {{ money(b, var("scale", 10)) }}{% endmacro %}\n',
    'models/orders.sql': 'MODEL (name s.orders, kind FULL);\nSELECT 1 AS cents, DATE \'2024-01-01\' AS d',
    'models/b.sql': 'MODEL (name s.b, kind FULL);\nSELECT cents FROM s.orders',
  };

  it('are callable from a block, call each other and read var() and runtime variables as the block does', async () => {
    expect(await rendered('SELECT {{ both(\'cents\', \'cents\') }} AS m FROM s.orders WHERE {{ since(\'d\') }}', files, { scale: 1000 })).toBe(
      "SELECT ROUND(cents / 100, 2) + ROUND(cents / 1000, 2) AS m FROM s.orders WHERE d >= '2024-01-01'",
    );
  });

  it('a change in what a macro renders changes the fingerprint of exactly the models that call it', async () => {
    const project = (cols: string) => ({ ...files, 'macros/cols.sql': cols, 'models/j.sql': model("SELECT {{ money('cents') }} AS m FROM s.orders") });
    const before = await fingerprintProject(await projects.load(project(files['macros/cols.sql'])));
    const cosmetic = await fingerprintProject(await projects.load(project(`{# money #}\n${files['macros/cols.sql']}\n{% macro unused() %}1{% endmacro %}`)));
    const changed = await fingerprintProject(await projects.load(project(files['macros/cols.sql'].replace('2)', '3)'))));
    for (const name of ['s.orders', 's.b', 's.j']) expect(cosmetic.get(name)!.id).toBe(before.get(name)!.id);
    expect(changed.get('s.j')!.id).not.toBe(before.get('s.j')!.id);
    for (const name of ['s.orders', 's.b']) expect(changed.get(name)!.id).toBe(before.get(name)!.id);
  });

  it('a syntax error in a macro file exits 2 naming the file and line; an error inside a macro names its file', async () => {
    const broken = await projects.loadError({ ...files, 'macros/bad.sql': '{% macro ok() %}1{% endmacro %}\n\n{% macro nope( %}\n{% endmacro %}\n' });
    expect(broken.exitCode).toBe(2);
    expect(broken.message).toMatch(/^Jinja: /);
    expect(broken.location).toMatchObject({ file: 'macros/bad.sql', line: 3 });
    const twice = await projects.loadError({ ...files, 'macros/dup.sql': '{% macro money(x) %}{{ x }}{% endmacro %}' });
    expect(twice.message).toBe("Jinja macro 'money' is defined twice (also in macros/cols.sql)");
    const inside = await projects.loadError({ ...files, 'macros/boom.sql': '{% macro boom() %}{{ missing_name }}{% endmacro %}', 'models/j.sql': model('SELECT {{ boom() }} AS x') });
    expect(inside.message).toMatch(/^Jinja in macros\/boom\.sql line 1: .*missing_name|undefined/);
    expect(inside.location).toMatchObject({ file: 'models/j.sql' });
  });
});
