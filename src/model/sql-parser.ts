import type { Dialect } from '../config/types.js';
import { DuckDBSqlParser } from './duckdb-sql-parser.js';

/** The outcome of parsing one query. `offset` is a character offset into the query. */
export type ParseOutcome =
  | { ok: true; ast: SelectStatementAst }
  | { ok: false; message: string; offset?: number };

/** DuckDB's serialized statement: `{ node: {...} }`. Kept opaque outside model/. */
export type SelectStatementAst = { node: Record<string, unknown> };

/**
 * Parses queries of one dialect. Batched, because a project of 10,000 models must be
 * parsed in well under a second.
 */
export interface SqlParser {
  parseMany(queries: readonly string[]): Promise<ParseOutcome[]>;
  close(): void;
}

/**
 * DuckDB's own parser serves both dialects: it is PostgreSQL's grammar extended with
 * DuckDB's syntax, and on our corpora it parses every query node-sql-parser does and more
 * (rates in BENCHMARKS.md, measured by `npm run bench`).
 */
export function createSqlParser(_dialect: Dialect): SqlParser {
  return new DuckDBSqlParser();
}
