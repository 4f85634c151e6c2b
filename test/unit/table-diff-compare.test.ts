import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { comparedValue, comparisonFor, normalizeType, typeClass } from '../../src/table-diff/column-compare.js';
import { planComparison } from '../../src/table-diff/schema-diff.js';

describe('column comparison', () => {
  it('classifies DuckDB and PostgreSQL catalog types', () => {
    const cases: [string, string][] = [
      ['DOUBLE', 'float'],
      ['double precision', 'float'],
      ['REAL', 'float'],
      ['FLOAT', 'float'],
      ['DECIMAL(12,2)', 'decimal'],
      ['numeric(12, 2)', 'decimal'],
      ['numeric', 'decimal'],
      ['INTEGER', 'integer'],
      ['bigint', 'integer'],
      ['HUGEINT', 'integer'],
      ['VARCHAR', 'scalar'],
      ['character varying(20)', 'scalar'],
      ['timestamp without time zone', 'scalar'],
      ['TIMESTAMP WITH TIME ZONE', 'scalar'],
      ['DATE', 'scalar'],
      ['json', 'other'],
      ['INTEGER[]', 'other'],
      ['STRUCT(a INTEGER)', 'other'],
    ];
    expect(cases.map(([t]) => [t, typeClass(t)])).toEqual(cases);
    expect(normalizeType('DECIMAL( 12 , 2 )')).toBe('decimal(12,2)');
  });

  it('rounds floats and decimals finer than --decimals, compares other numbers plainly, and mismatched types as text', () => {
    expect(comparisonFor('DOUBLE', 'DOUBLE', 3)).toBe('rounded');
    expect(comparisonFor('DECIMAL(12,4)', 'DECIMAL(12,4)', 3)).toBe('rounded');
    expect(comparisonFor('DECIMAL(12,2)', 'DECIMAL(12,2)', 3)).toBe('plain');
    expect(comparisonFor('DECIMAL(12,2)', 'DECIMAL(12,2)', 1)).toBe('rounded');
    expect(comparisonFor('numeric', 'numeric', 3)).toBe('rounded');
    expect(comparisonFor('INTEGER', 'BIGINT', 3)).toBe('plain');
    expect(comparisonFor('INTEGER', 'DOUBLE', 3)).toBe('rounded');
    expect(comparisonFor('VARCHAR', 'VARCHAR', 3)).toBe('plain');
    expect(comparisonFor('VARCHAR', 'INTEGER', 3)).toBe('text');
    expect(comparisonFor('json', 'json', 3)).toBe('text');
  });

  it('writes rounding each engine accepts', () => {
    expect(comparedValue('"a"."x"', 'rounded', 3, 'duckdb')).toBe('ROUND("a"."x", 3)');
    expect(comparedValue('"a"."x"', 'rounded', 3, 'postgres')).toBe('ROUND(CAST("a"."x" AS NUMERIC), 3)');
    expect(comparedValue('"a"."x"', 'text', 3, 'postgres')).toBe('CAST("a"."x" AS TEXT)');
  });
});

describe('schema diff', () => {
  const a = { label: 'dev', table: { schema: 's', table: 'a' } };
  const b = { label: 'prod', table: { schema: 's', table: 'b' } };
  const devCols = [
    { name: 'id', type: 'INTEGER' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'score', type: 'DOUBLE' },
    { name: 'fresh', type: 'DATE' },
  ];
  const prodCols = [
    { name: 'id', type: 'INTEGER' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'score', type: 'DECIMAL(10,2)' },
    { name: 'gone', type: 'BOOLEAN' },
  ];

  it('lists added, removed and retyped columns, and what is compared how', () => {
    const plan = planComparison(a, devCols, b, prodCols, { on: ['id'], decimals: 3 });
    expect(plan.schema).toEqual({
      added: [{ name: 'fresh', type: 'DATE' }],
      removed: [{ name: 'gone', type: 'BOOLEAN' }],
      typeChanged: [{ name: 'score', a: 'DOUBLE', b: 'DECIMAL(10,2)' }],
      compared: ['name', 'score'],
      skipped: [],
    });
    expect(plan.keys).toEqual([{ name: 'id', how: 'plain' }]);
    expect(plan.columns).toEqual([
      { name: 'name', how: 'plain' },
      { name: 'score', how: 'rounded' },
    ]);
    expect(plan.aColumns).toEqual(['id', 'name', 'score', 'fresh']);
  });

  it('leaves skipped columns out of the comparison and the samples', () => {
    const plan = planComparison(a, devCols, b, prodCols, { on: ['id'], skipColumns: ['score', 'gone'], decimals: 3 });
    expect(plan.schema.compared).toEqual(['name']);
    expect(plan.schema.skipped).toEqual(['score', 'gone']);
    expect(plan.bColumns).toEqual(['id', 'name']);
    // Across many models, a skipped column applies where it exists.
    const lenient = planComparison(a, devCols, b, prodCols, { on: ['id'], skipColumns: ['score', 'updated_at'], ignoreUnknownSkipColumns: true, decimals: 3 });
    expect(lenient.schema.skipped).toEqual(['score']);
  });

  it('refuses unknown, invalid, repeated or skipped key columns and unknown skipped columns', () => {
    const fails = (on: string[], skipColumns: string[] | undefined, message: RegExp) => {
      let err: unknown;
      try {
        planComparison(a, devCols, b, prodCols, { on, skipColumns, decimals: 3 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    };
    fails([], undefined, /no key columns/);
    fails(['fresh'], undefined, /key column 'fresh' is not in prod's table/);
    fails(['id"; DROP'], undefined, /not a valid name/);
    fails(['id', 'id'], undefined, /given twice/);
    fails(['id'], ['id'], /cannot be skipped/);
    fails(['id'], ['nope'], /'nope' is in neither dev nor prod/);
  });
});
