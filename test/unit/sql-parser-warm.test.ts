import { describe, expect, it } from 'vitest';
import { createSqlParser, warmSqlParser } from '../../src/model/sql-parser.js';

describe('a DuckDB parser opened ahead of its use', () => {
  it('is the one the next DuckDB parse takes, and closing what was warmed leaves it to its taker', async () => {
    const unwarm = warmSqlParser('duckdb');
    const parser = createSqlParser('duckdb');
    // Taken: a second parser is a new one, not the warmed one again.
    const other = createSqlParser('duckdb');
    expect(other).not.toBe(parser);
    other.close();
    unwarm();
    const [outcome] = await parser.parseMany(['SELECT 1 AS x FROM t']);
    expect(outcome.ok).toBe(true);
    parser.close();
  });

  it('is closed when nobody took it, even while it is still opening, and later parses open their own', async () => {
    warmSqlParser('duckdb')();
    const parser = createSqlParser('duckdb');
    const [outcome] = await parser.parseMany(['SELECT FROM WHERE']);
    expect(outcome.ok).toBe(false);
    parser.close();
  });

  it('warms nothing for PostgreSQL, whose parser needs no database', () => {
    const unwarm = warmSqlParser('postgres');
    unwarm();
    const parser = createSqlParser('duckdb');
    expect(parser.constructor.name).toBe('DuckDBSqlParser');
    parser.close();
  });
});
