import { afterEach, describe, expect, it } from 'vitest';
import { MacroError, MacroEvaluator, type MacroContext } from '../../src/macros/evaluator.js';
import { builtinMacros } from '../../src/macros/registry.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { loadProject } from '../../src/model/load-project.js';
import { projectWriter } from '../helpers/write-project.js';
import { findMacros, MacroError as RenderMacroError } from '../../src/model/macros.js';
import { renderQuery } from '../../src/model/render.js';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';

/**
 * List and object config variables, as SQLMesh's MacroEvaluator gives them: plain `@name` of
 * a list is `exp.convert(tuple)`, a tuple; `@VAR('name')` is `exp.convert(list)`, an array
 * (DuckDB `[..]`, PostgreSQL `ARRAY[..]`); an object is `exp.convert(dict)`, a struct.
 */
const VARS = { values: ['a', 'b'], nums: [1, 2, 3], nested: [[1, 2], [3]], flags: { on: true, n: 1 } };

function expand(text: string, over: Partial<MacroContext> = {}): string {
  return new MacroEvaluator({ dialect: 'duckdb', variables: VARS, macros: builtinMacros(), ...over }).expandText(text);
}

const projects = projectWriter();
afterEach(() => projects.cleanup());

describe('list and object config variables', () => {
  it('plain @name of a list is a tuple, @VAR of it an array in the dialect', () => {
    expect(expand('SELECT * FROM t WHERE x IN @values')).toBe("SELECT * FROM t WHERE x IN ('a', 'b')");
    expect(expand("SELECT @VAR('values') AS v")).toBe("SELECT ['a', 'b'] AS v");
    expect(expand("SELECT @VAR('values') AS v", { dialect: 'postgres' })).toBe("SELECT ARRAY['a', 'b'] AS v");
    expect(expand("SELECT @nested AS p, @VAR('nested') AS q", { dialect: 'postgres' })).toBe('SELECT (ARRAY[1, 2], ARRAY[3]) AS p, ARRAY[ARRAY[1, 2], ARRAY[3]] AS q');
  });

  it('@EACH, @REDUCE and @FILTER iterate a list variable read either way', () => {
    expect(expand('SELECT @EACH(@values, v -> @v AS col_@v)')).toBe("SELECT 'a' AS col_a, 'b' AS col_b");
    expect(expand("SELECT @EACH(@VAR('values'), v -> @v AS col_@v)")).toBe("SELECT 'a' AS col_a, 'b' AS col_b");
    expect(expand('SELECT @REDUCE(@nums, (x, y) -> x + y) AS s')).toBe('SELECT 1 + 2 + 3 AS s');
    expect(expand("SELECT @EACH(@FILTER(@VAR('nums'), x -> x > 1), x -> x * 10)")).toBe('SELECT 2 * 10, 3 * 10');
  });

  it('an object is a struct on DuckDB and refused by name on PostgreSQL', () => {
    expect(expand("SELECT @flags AS f, @VAR('flags') AS g")).toBe("SELECT {'on': TRUE, 'n': 1} AS f, {'on': TRUE, 'n': 1} AS g");
    let err: unknown;
    try {
      expand('SELECT 1 AS x,\n @flags AS f', { dialect: 'postgres' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MacroError);
    expect((err as MacroError).message).toMatch(/^variable 'flags' is an object \(SQLMesh prints a dict variable as a STRUCT literal/);
    expect((err as MacroError).offset).toBe(16); // the @ of @flags
  });

  it('records the whole value read, for the fingerprint', () => {
    const read: Record<string, unknown> = {};
    expand("SELECT @EACH(@VAR('values'), v -> v)", { onVariable: (k, v) => (read[k] = v) });
    expect(read).toEqual({ values: ['a', 'b'] });
  });

  it("a model's query: @VAR of a list is expanded when it loads (its SQL is the dialect's), a scalar @VAR stays for the batch", async () => {
    const files = { 'models/m.sql': "MODEL (name s.m, kind FULL);\nSELECT @VAR('values') AS v, @VAR('n') AS n, x FROM t WHERE x IN @values" };
    const m = (await projects.load(files, { values: ['a', 'b'], n: 1 })).models.get('s.m')!;
    expect(m.query).toBe("SELECT ['a', 'b'] AS v, @VAR('n') AS n, x FROM t WHERE x IN ('a', 'b')");
    expect(m.variables).toEqual({ values: ['a', 'b'], n: 1 });
    const dir = projects.write({ ...files, 'planner.config.ts': "export default { modelDefaults: { dialect: 'postgres' } };" });
    const pg = (await loadProject(resolveConfig({ modelDefaults: { dialect: 'postgres' } }, dir), { values: ['a'], n: 1 })).models.get('s.m')!;
    expect(pg.query).toBe("SELECT ARRAY['a'] AS v, @VAR('n') AS n, x FROM t WHERE x IN ('a')");
  });

  it('blueprints made by @EACH over a list variable', async () => {
    const files = { 'models/m.sql': 'MODEL (name @region.orders, kind FULL, blueprints @EACH(@regions, r -> (region := r)));\nSELECT @BLUEPRINT_VAR(\'region\') AS region' };
    const project = await projects.load(files, { regions: ['east', 'west'] });
    expect([...project.models.keys()].sort()).toEqual(['east.orders', 'west.orders']);
    expect(project.models.get('west.orders')!.query).toBe("SELECT 'west' AS region");
  });

  it('Jinja iterates a list variable and indexes an object one', async () => {
    const body = "SELECT {% for v in var('values') %}'{{ v }}' AS c_{{ v }}{% if not loop.last %}, {% endif %}{% endfor %}, {{ var('flags')['n'] }} AS n";
    const m = (await projects.load({ 'models/j.sql': `MODEL (name s.j, kind FULL);\nJINJA_QUERY_BEGIN;\n${body}\nJINJA_END;` }, VARS)).models.get('s.j')!;
    expect(m.query).toBe("SELECT 'a' AS c_a, 'b' AS c_b, 1 AS n");
    // Printed whole, as SQLMesh's Jinja prints the Python value.
    const printed = (await projects.load({ 'models/j.sql': "MODEL (name s.j, kind FULL);\nJINJA_QUERY_BEGIN;\nSELECT \"{{ var('values') }} {{ var('flags') }} {{ var('values') | length }}\" AS p\nJINJA_END;" }, VARS)).models.get('s.j')!;
    expect(printed.query).toBe(`SELECT "['a', 'b'] {'on': True, 'n': 1} 2" AS p`);
    expect(m.variables).toEqual({ values: ['a', 'b'], flags: { on: true, n: 1 } });
  });

  it("Jinja's bare truth test on this_env is refused by name, at its line", async () => {
    const err = await projects.loadError({ 'models/j.sql': 'MODEL (name s.j, kind FULL);\nJINJA_QUERY_BEGIN;\nSELECT 1 AS x\n{% if this_env %}, 2 AS y{% endif %}\nJINJA_END;' });
    expect(err.message).toMatch(/^Jinja: this_env is known only in beforeAll and afterAll, as in SQLMesh/);
    expect(err.location).toMatchObject({ file: 'models/j.sql', line: 4, column: 7 });
  });

  it("@VAR filled in as a query runs (an audit's) prints a list as the dialect's array, which DuckDB runs", async () => {
    const times = { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-02T00:00:00Z'), execution: new Date('2024-01-02T00:00:00Z') };
    const query = "SELECT c FROM (VALUES ('a'), ('b'), ('z')) AS t(c) WHERE NOT list_contains(@VAR('values'), c)";
    const render = (dialect: 'duckdb' | 'postgres', variables: Record<string, unknown> = VARS) => renderQuery({ query, references: [], macros: findMacros(query), variables, dialect }, () => undefined, times);
    expect(render('postgres')).toContain("list_contains(ARRAY['a', 'b'], c)");
    const engine = await DuckDBAdapter.open(':memory:');
    try {
      expect((await engine.query(render('duckdb'))).rows).toEqual([{ c: 'z' }]);
    } finally {
      await engine.close();
    }
    expect(() => render('postgres', { values: { a: 1 } })).toThrow(RenderMacroError);
  });
});
