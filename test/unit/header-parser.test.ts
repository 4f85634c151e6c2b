import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readModelFile } from '../../src/model/read-model-file.js';

const defaults = { dialect: 'duckdb' as const, cron: '@daily' };
const read = (text: string) => readModelFile(text, 'models/x.sql', defaults);

function errorOf(text: string): InputError {
  try {
    read(text);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('MODEL header', () => {
  it('reads every property in SQLMesh syntax, with lists in either bracket and a trailing comma', () => {
    const m = read(`-- a leading comment
MODEL (
  name analytics.customers,
  kind INCREMENTAL_BY_TIME_RANGE (time_column event_date, batch_size 7, lookback 2),
  cron '@hourly',
  start '2024-01-01',
  grain [customer_id, day],
  owner data_team,
  description 'It''s the customers',
  tags (pii, core),
  columns (id INTEGER, amount NUMERIC(12, 2), name TEXT),
  audits (not_null(columns := [id]), unique_values(columns = (id, day)), assert_positive),
);

SELECT 1 AS id; -- trailing
`);
    expect(m.name).toBe('analytics.customers');
    expect(m.schema).toBe('analytics');
    expect(m.kind).toEqual({ name: 'INCREMENTAL_BY_TIME_RANGE', timeColumn: 'event_date', batchSize: 7, lookback: 2 });
    expect(m.cron).toBe('@hourly');
    expect(m.start).toBe('2024-01-01');
    expect(m.grain).toEqual(['customer_id', 'day']);
    expect(m.owner).toBe('data_team');
    expect(m.description).toBe("It's the customers");
    expect(m.tags).toEqual(['pii', 'core']);
    expect(m.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'amount', type: 'NUMERIC(12, 2)' },
      { name: 'name', type: 'TEXT' },
    ]);
    expect(m.audits).toEqual([
      { name: 'not_null', args: { columns: '[id]' } },
      { name: 'unique_values', args: { columns: '(id, day)' } },
      { name: 'assert_positive', args: {} },
    ]);
    expect(m.query).toBe('SELECT 1 AS id; -- trailing');
    expect(m.source.slice(m.queryOffset, m.queryOffset + 8)).toBe('SELECT 1');
  });

  it('applies defaults and reads SEED and unique-key kinds', () => {
    const seed = read(`MODEL (name raw.orders, kind SEED (path '../seeds/orders.csv'));`);
    expect(seed.kind).toEqual({ name: 'SEED', path: '../seeds/orders.csv' });
    expect(seed.cron).toBe('@daily');
    expect(seed.dialect).toBe('duckdb');
    expect(seed.query).toBe('');
    const merge = read(`MODEL (name s.t, kind INCREMENTAL_BY_UNIQUE_KEY (unique_key (a, b))); SELECT 1 AS a, 2 AS b`);
    expect(merge.kind).toEqual({ name: 'INCREMENTAL_BY_UNIQUE_KEY', uniqueKey: ['a', 'b'] });
    expect(read(`MODEL (name s.t); SELECT 1`).kind).toEqual({ name: 'VIEW' });
  });

  it.each([
    [`MODEL (name s.t, kind FULLL); SELECT 1`, "unknown model kind 'FULLL'", 1, 23],
    [`MODEL (\n  name s.t,\n  colour 'red'\n); SELECT 1`, "unknown MODEL property 'colour'", 3, 3],
    [`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (batch_size 3)); SELECT 1`, "needs 'time_column'", 1, 23],
    [`MODEL (name customers); SELECT 1`, 'must be schema.table', 1, 13],
    [`MODEL (name s.t; SELECT 1`, "unexpected ';'", 1, 16],
    [`SELECT 1`, 'expected the file to start with MODEL', 1, 1],
    [`MODEL (name s.t)`, 'has no query', 1, 17],
    [`MODEL (name "S;x".t); SELECT 1`, 'is not a valid name', 1, 13],
  ])('rejects %j with a located error', (text, message, line, column) => {
    const err = errorOf(text);
    expect(err.message).toContain(message);
    expect(err.exitCode).toBe(2);
    expect(err.location).toMatchObject({ file: 'models/x.sql', line, column });
  });
});

describe('forward_only', () => {
  it('is read from the kind arguments as SQLMesh writes it, or from the model', () => {
    const inKind = read(`MODEL (name s.t, kind INCREMENTAL_BY_TIME_RANGE (time_column d, forward_only true)); SELECT 1 AS d`);
    expect(inKind.forwardOnly).toBe(true);
    expect(read(`MODEL (name s.t, kind FULL, forward_only true); SELECT 1`).forwardOnly).toBe(true);
    expect(read(`MODEL (name s.t, kind FULL); SELECT 1`).forwardOnly).toBe(false);
  });
});

describe('reserved schema names', () => {
  it("refuse '__' in a model schema, which could collide with environment or physical schemas", () => {
    expect(() => read(`MODEL (name analytics__dev.customers); SELECT 1`)).toThrow(/may not contain '__'/);
    expect(() => read(`MODEL (name planner__x.t); SELECT 1`)).toThrow(/may not contain '__'/);
  });
});
