import type { Dialect } from '../config/types.js';
import { DuckDBSqlParser } from './duckdb-sql-parser.js';
import { PostgresSqlParser } from './postgres-sql-parser.js';

/** The outcome of parsing one query. `offset` is a character offset into the query. */
export type ParseOutcome =
  | { ok: true; tree: ParseTree }
  | { ok: false; message: string; offset?: number };

/**
 * One parsed statement, tagged with the parser that read it; kept opaque outside model/
 * (query-analysis.ts reads it). DuckDB: `json_serialize_sql`'s node; PostgreSQL:
 * libpg_query's statement node (`{ SelectStmt: {...} }`).
 */
export type ParseTree =
  | { parser: 'duckdb'; node: Record<string, unknown> }
  | { parser: 'postgres'; node: Record<string, unknown> };

/**
 * Parses queries of one dialect. Batched, because a project of 10,000 models must be
 * parsed in well under a second.
 */
export interface SqlParser {
  parseMany(queries: readonly string[]): Promise<ParseOutcome[]>;
  close(): void;
}

/**
 * Each dialect is read by its engine's own parser: DuckDB's (`json_serialize_sql`) for
 * duckdb, PostgreSQL's (libpg_query compiled to WebAssembly) for postgres, so what the
 * engine accepts, planner accepts (rates in BENCHMARKS.md, measured by `npm run bench`).
 */
export function createSqlParser(dialect: Dialect): SqlParser {
  if (dialect === 'postgres') return new PostgresSqlParser();
  const parser = warmed ?? new DuckDBSqlParser();
  warmed = undefined;
  return parser;
}

/** A DuckDB parser opened ahead of its first use (warmSqlParser), for the next createSqlParser('duckdb') to take. */
let warmed: DuckDBSqlParser | undefined;

/**
 * Opens a DuckDB parser ahead of its use, while the caller goes on with other work; the
 * next DuckDB parse in this process takes it. Returns what closes it if no parse took it,
 * for the caller to call once it is done (a warmed parser is never left open).
 */
export function warmSqlParser(dialect: Dialect): () => void {
  if (dialect === 'postgres' || warmed) return () => undefined;
  const parser = new DuckDBSqlParser();
  parser.warm();
  warmed = parser;
  return () => {
    if (warmed !== parser) return;
    warmed = undefined;
    parser.close();
  };
}

/** Parses each query with its own dialect's parser (a model's header may differ from the default), in one batch per dialect. */
export async function parseByDialect(dialects: readonly Dialect[], queries: readonly string[]): Promise<ParseOutcome[]> {
  const outcomes: ParseOutcome[] = new Array(queries.length);
  for (const dialect of new Set(dialects)) {
    const indexes = dialects.flatMap((d, i) => (d === dialect ? [i] : []));
    const parser = createSqlParser(dialect);
    try {
      const parsed = await parser.parseMany(indexes.map((i) => queries[i]));
      indexes.forEach((at, k) => (outcomes[at] = parsed[k]));
    } finally {
      parser.close();
    }
  }
  return outcomes;
}
