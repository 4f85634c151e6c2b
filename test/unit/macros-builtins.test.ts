import { describe, expect, it } from 'vitest';
import { MacroEvaluator, type MacroContext, type RelationColumn } from '../../src/macros/evaluator.js';
import { builtinMacros } from '../../src/macros/registry.js';

/**
 * Every built-in against the input/output pairs SQLMesh's documentation and doctests show
 * (docs/concepts/macros/sqlmesh_macros.md, sqlmesh/core/macros.py). SQLMesh re-prints the
 * whole query through SQLGlot (upper-case keywords, its own spacing); planner keeps the
 * text as written, so outputs are compared with whitespace collapsed and keywords in any case.
 */
const SCHEMAS: Record<string, RelationColumn[]> = {
  foo: [{ name: 'a', type: 'TEXT' }, { name: 'b', type: 'TEXT' }, { name: 'c', type: 'TEXT' }, { name: 'd', type: 'INT' }],
  'union.foo': [{ name: 'a', type: 'INT' }, { name: 'b', type: 'TEXT' }, { name: 'c', type: 'TEXT' }],
  'union.bar': [{ name: 'a', type: 'INT' }, { name: 'b', type: 'INT' }, { name: 'c', type: 'TEXT' }],
};

function expand(text: string, over: Partial<MacroContext> = {}): string {
  const ev = new MacroEvaluator({ dialect: 'duckdb', variables: {}, macros: builtinMacros(), columnsOf: (r) => SCHEMAS[r], ...over });
  return ev.expandText(text);
}

const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim().toUpperCase();

function same(input: string, expected: string, over: Partial<MacroContext> = {}) {
  expect(norm(expand(input, over))).toBe(norm(expected));
}

describe('macro operators', () => {
  it('@DEF defines variables and inline functions used later', () => {
    same("@DEF(size, 1); SELECT item_id FROM t WHERE item_size > @size", '; SELECT item_id FROM t WHERE item_size > 1');
    same('@DEF(pythag, (x,y) -> sqrt(pow(x, 2) + pow(y, 2))); SELECT @pythag(sideA, sideB) AS sideC', '; SELECT sqrt(pow(sideA, 2) + pow(sideB, 2)) AS sideC');
    same('@DEF(area, r -> pi() * r * r); @DEF(container_volume, (r, h) -> @area(@r) * h); SELECT @container_volume((cont_di / 2), cont_hi) AS volume', '; ; SELECT pi() * (cont_di / 2) * (cont_di / 2) * cont_hi AS volume');
    same('@DEF(nrr, (s, e, c) -> (s + e - c) / s); SELECT @nrr(a, b, c2) AS r', '; SELECT (a + b - c2) / a AS r');
  });

  it('@EACH maps a list, with values as literals and as parts of names', () => {
    same('SELECT @EACH([4, 5, 6], number -> number) FROM table', 'SELECT 4, 5, 6 FROM table');
    same("SELECT @EACH(['4','5','6'], x -> CASE WHEN favorite_number = x THEN 1 ELSE 0 END as column_@x) FROM table",
      "SELECT CASE WHEN favorite_number = '4' THEN 1 ELSE 0 END AS column_4, CASE WHEN favorite_number = '5' THEN 1 ELSE 0 END AS column_5, CASE WHEN favorite_number = '6' THEN 1 ELSE 0 END AS column_6 FROM table");
    same("select @each(['a', 'b'], x -> @x + @{x}_z + @y + @{y}_@{x})", "SELECT 'a' + a_z + 'c' + c_a, 'b' + b_z + 'c' + c_b", { variables: { y: 'c' } });
    same('select @each([(a, b), (c, d)], (x, y) -> x as y)', 'SELECT a AS b, c AS d');
    same("select @each(['a', 'b'], x -> x = y as is_@{x})", "SELECT 'a' = y as is_a, 'b' = y as is_b");
    same('select @EACH([a, b], x -> x)', 'SELECT a, b');
  });

  it('@IF keeps one branch, or nothing', () => {
    same('select @if(TRUE, 1, 0)', 'SELECT 1');
    same('select @if(FALSE, 1, 0)', 'SELECT 0');
    same('select @if(1 > 0, 1, 0)', 'SELECT 1');
    same("select @if('a' = 'b', c), d", 'SELECT d');
    same('SELECT col1, @IF(1 > 0, sensitive_col) FROM table', 'SELECT col1, sensitive_col FROM table');
    same('SELECT col1, @IF(1 > 2, sensitive_col, nonsensitive_col) FROM table', 'SELECT col1, nonsensitive_col FROM table');
    for (const cond of ["'a' = 'a'", "'a' != 'b'", '0 < 1', '1 >= 1', '2 BETWEEN 1 AND 3', "'a' IN ('a', 'b')"]) same(`SELECT @IF(${cond}, 1, 0)`, 'SELECT 1');
    same("SELECT @IF('a' = 1, a, b)", 'SELECT b');
    same('SELECT 1 FROM t @IF(@n > 5, WHERE n > 5)', 'SELECT 1 FROM t WHERE n > 5', { variables: { n: 6 } });
  });

  it('@REDUCE, @FILTER, @SQL and @EVAL', () => {
    same('@SQL(@REDUCE([100, 200, 300, 400], (x,y) -> x + y))', '1000');
    same('@SQL(@REDUCE(@FILTER([100, 200, 300, 400], x -> x > 250), (x,y) -> x + y))', '700');
    same('select @EACH([a, b, c], x -> x and @SQL(\'@y\'))', 'SELECT a AND z, b AND z, c AND z', { variables: { y: 'z' } });
    same('select @REDUCE(@EACH([a, b, c], x -> column like x), (x, y) -> x or y)', 'SELECT column LIKE a OR column LIKE b OR column LIKE c');
    same('SELECT @REDUCE([1], (x, y) -> x + y)', 'SELECT 1');
    same('SELECT @REDUCE([1, 2], (x, y) -> x + y)', 'SELECT 1 + 2');
    same('@REDUCE(@FILTER([1, 2, 3], x -> x > 1), (x, y) -> x + y)', '2 + 3');
    same('@EVAL(@REDUCE(@FILTER([1, 2, 3], x -> x > 1), (x, y) -> x + y))', '5');
    same('WHERE @REDUCE(@EACH([col1, col2, col3], x -> x = 1), (x, y) -> x AND y)', 'WHERE col1 = 1 AND col2 = 1 AND col3 = 1');
    same('@DEF(x, 1); SELECT @EVAL(5 + @x) as my_six FROM table', '; SELECT 6 as my_six FROM table');
  });

  it('@VAR and plain @name read config variables', () => {
    const variables = { int_var: 1, str_var: 'cat', list_var: [1, 2, 3] };
    same('WHERE int_variable = @INT_VAR', 'WHERE int_variable = 1', { variables });
    same("WHERE int_variable = @VAR('int_var')", 'WHERE int_variable = 1', { variables });
    same("WHERE some_value = @VAR('missing_var', 0)", 'WHERE some_value = 0', { variables });
    same("SELECT @str_var, @VAR('nothing')", "SELECT 'cat', NULL", { variables });
    same('SELECT @EACH(@list_var, x -> x * 2)', 'SELECT 1 * 2, 2 * 2, 3 * 2', { variables });
  });
});

describe('SQL-generating built-ins', () => {
  it('@STAR from the relation\'s known columns', () => {
    same("SELECT @STAR(foo, bar, [c], 'baz_', '_qux') FROM foo AS bar",
      'SELECT CAST("bar"."a" AS TEXT) AS "baz_a_qux", CAST("bar"."b" AS TEXT) AS "baz_b_qux", CAST("bar"."d" AS INT) AS "baz_d_qux" FROM foo AS bar');
    same("SELECT @STAR(foo, bar, exclude := [c, d], prefix := 'ab_pre_'), @STAR(foo, bar, exclude := [a, b, c], prefix := 'd_pre_'), my_column FROM foo AS bar",
      'SELECT CAST("bar"."a" AS TEXT) AS "ab_pre_a", CAST("bar"."b" AS TEXT) AS "ab_pre_b", CAST("bar"."d" AS INT) AS "d_pre_d", my_column FROM foo AS bar');
    same('SELECT @STAR(foo, exclude := [a, b, c], quote_identifiers := FALSE) FROM foo', 'SELECT CAST(foo.d AS INT) AS d FROM foo');
    expect(() => expand('SELECT @STAR(nowhere) FROM nowhere')).toThrow(/columns of nowhere are not known/);
  });

  it('@GENERATE_SURROGATE_KEY', () => {
    same('SELECT @GENERATE_SURROGATE_KEY(a, b, c) AS col FROM foo',
      "SELECT MD5(CONCAT(COALESCE(CAST(a AS TEXT), '_sqlmesh_surrogate_key_null_'), '|', COALESCE(CAST(b AS TEXT), '_sqlmesh_surrogate_key_null_'), '|', COALESCE(CAST(c AS TEXT), '_sqlmesh_surrogate_key_null_'))) AS col FROM foo");
    same("SELECT @GENERATE_SURROGATE_KEY(a, b, c, hash_function := 'SHA256') AS col FROM foo",
      "SELECT SHA256(CONCAT(COALESCE(CAST(a AS TEXT), '_sqlmesh_surrogate_key_null_'), '|', COALESCE(CAST(b AS TEXT), '_sqlmesh_surrogate_key_null_'), '|', COALESCE(CAST(c AS TEXT), '_sqlmesh_surrogate_key_null_'))) AS col FROM foo");
  });

  it('@SAFE_ADD, @SAFE_SUB, @SAFE_DIV', () => {
    same('SELECT @SAFE_ADD(a, b, c) FROM foo', 'SELECT CASE WHEN a IS NULL AND b IS NULL AND c IS NULL THEN NULL ELSE COALESCE(a, 0) + COALESCE(b, 0) + COALESCE(c, 0) END FROM foo');
    same('SELECT @SAFE_SUB(a, b, c) FROM foo', 'SELECT CASE WHEN a IS NULL AND b IS NULL AND c IS NULL THEN NULL ELSE COALESCE(a, 0) - COALESCE(b, 0) - COALESCE(c, 0) END FROM foo');
    same('SELECT @SAFE_DIV(a, b) FROM foo', 'SELECT a / NULLIF(b, 0) FROM foo');
    same('SELECT @SAFE_DIV(a + 1, b) FROM foo', 'SELECT (a + 1) / NULLIF(b, 0) FROM foo');
  });

  it('@UNION of the columns with the same name and type', () => {
    const both = 'SELECT CAST("a" AS INT) AS "a", CAST("c" AS TEXT) AS "c" FROM union.foo';
    const bar = 'SELECT CAST("a" AS INT) AS "a", CAST("c" AS TEXT) AS "c" FROM union.bar';
    same("@UNION('distinct', union.foo, union.bar)", `${both} UNION ${bar}`);
    same('@UNION(union.foo, union.bar)', `${both} UNION ALL ${bar}`);
    same("@UNION(1 > 0, 'all', union.foo, union.bar)", `${both} UNION ALL ${bar}`);
    same("@UNION(1 > 2, 'all', union.foo, union.bar)", both);
    same("@UNION(True, 'distinct', union.foo, union.bar)", `${both} UNION ${bar}`);
  });

  it('@HAVERSINE_DISTANCE', () => {
    same("SELECT @HAVERSINE_DISTANCE(driver_y, driver_x, passenger_y, passenger_x, 'mi') AS dist FROM rides",
      'SELECT 7922 * ASIN(SQRT((POWER(SIN(RADIANS((passenger_y - driver_y) / 2)), 2)) + (COS(RADIANS(driver_y)) * COS(RADIANS(passenger_y)) * POWER(SIN(RADIANS((passenger_x - driver_x) / 2)), 2)))) * 1.0 AS dist FROM rides');
    expect(expand("@HAVERSINE_DISTANCE(a, b, c, d, 'km')")).toMatch(/\* 1\.60934$/);
  });

  it('@PIVOT', () => {
    same("SELECT date_day, @PIVOT(status, ['cancelled', 'completed']) FROM rides GROUP BY 1",
      'SELECT date_day, SUM(CASE WHEN status = \'cancelled\' THEN 1 ELSE 0 END) AS "cancelled", SUM(CASE WHEN status = \'completed\' THEN 1 ELSE 0 END) AS "completed" FROM rides GROUP BY 1');
    same("SELECT @PIVOT(a, ['v'], then_value := tv, suffix := '_sfx', quote := FALSE)", "SELECT SUM(CASE WHEN a = 'v' THEN tv ELSE 0 END) AS v_sfx");
  });

  it('@AND and @OR drop NULLs', () => {
    same('SELECT @AND(TRUE, NULL)', 'SELECT TRUE');
    same('SELECT @OR(TRUE, NULL)', 'SELECT TRUE');
    same('SELECT @AND(a = 1, b OR c)', 'SELECT a = 1 AND (b OR c)');
  });

  it('@DEDUPLICATE: QUALIFY on DuckDB, DISTINCT ON on PostgreSQL', () => {
    same("with raw_data as (@deduplicate(my_table, [id, cast(event_date as date)], ['event_date DESC', 'status ASC'])) select * from raw_data",
      'WITH raw_data AS (SELECT * FROM my_table QUALIFY ROW_NUMBER() OVER (PARTITION BY id, cast(event_date as date) ORDER BY event_date DESC, status ASC) = 1) SELECT * FROM raw_data');
    same("@deduplicate(demo.t, [user_id], ['ts desc'])", 'SELECT DISTINCT ON (user_id) * FROM demo.t ORDER BY user_id, ts desc', { dialect: 'postgres' });
  });

  it('@DATE_SPINE', () => {
    same("WITH d AS (@date_spine('day', '2024-01-01', '2024-01-16')) SELECT * FROM d",
      'WITH d AS (SELECT "_exploded"."date_day" AS "date_day" FROM UNNEST(CAST(GENERATE_SERIES(CAST(\'2024-01-01\' AS DATE), CAST(\'2024-01-16\' AS DATE), INTERVAL \'1\' DAY) AS DATE[])) AS "_exploded"("date_day")) SELECT * FROM d');
    expect(() => expand("@date_spine('hour', '2024-01-01', '2024-01-16')")).toThrow(/Invalid datepart 'hour'/);
    expect(() => expand("@date_spine('day', '2024-02-01', '2024-01-16')")).toThrow(/start_date '2024-02-01' is after/);
  });
});

describe('errors', () => {
  it('names the macro and points at it', () => {
    const at = (text: string) => {
      try {
        expand(text);
      } catch (err) {
        return [(err as Error).message, (err as { offset: number }).offset];
      }
      return undefined;
    };
    expect(at('SELECT @NOPE(1)')).toEqual(['unknown macro @NOPE', 7]);
    expect(at('SELECT @SAFE_DIV(1)')?.[0]).toMatch(/@SAFE_DIV needs 'denominator'/);
    expect(at('SELECT @unknown_var')?.[0]).toMatch(/unknown macro @unknown_var \(not a @DEF/);
    expect(at('@DEF(f, x -> @g(x)); @DEF(g, x -> @f(x)); SELECT @f(1)')?.[0]).toMatch(/@DEF cycle: @f -> @g -> @f/);
    expect(at('SELECT 1 @WHERE(TRUE) a = 1')?.[0]).toMatch(/@WHERE is a SQLMesh macro planner does not support/);
  });

  it('keeps runtime variables for each batch, and defers a condition on them', () => {
    expect(expand('SELECT * FROM t WHERE ds BETWEEN @start_ds AND @end_ds')).toBe('SELECT * FROM t WHERE ds BETWEEN @start_ds AND @end_ds');
    expect(expand("@DEF(x, 2); @IF(@runtime_stage = 'evaluating' AND @x > 1, ANALYZE @this_model)")).toBe("; @IF(@runtime_stage = 'evaluating' AND 2 > 1, ANALYZE @this_model)");
    expect(expand("@IF(@runtime_stage = 'evaluating', ANALYZE @this_model)", { runtime: { runtime_stage: "'evaluating'", this_model: '"s"."t"' } })).toBe('ANALYZE "s"."t"');
  });
});
