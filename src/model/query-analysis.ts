import { analyzeDuckDB, duckdbWhereParts } from './duckdb-query-analysis.js';
import type { QueryShape, TableReference } from './model.js';
import { analyzePostgres, postgresWhereParts } from './postgres-query-analysis.js';
import type { ParseTree } from './sql-parser.js';

/**
 * Reads what planning needs out of a parsed query, whichever parser read it: the tables
 * it references (not CTEs), with their character spans in `template` (the text that was
 * parsed), and the hashes of planner's canonical form (canonical-query.ts) that
 * fingerprints and change categorization compare.
 */
export function analyzeQuery(tree: ParseTree, template: string): { references: TableReference[]; shape: QueryShape } {
  return tree.parser === 'duckdb' ? analyzeDuckDB(tree.node, template) : analyzePostgres(tree.node, template);
}

/** A `SELECT ... WHERE cond` statement seen as its condition and everything else. */
export interface WhereParts {
  /** Canonical form of the statement without its WHERE clause. */
  rest: string;
  hasWhere: boolean;
  /** The condition holds a query parameter ($1, ?): it would need a value bound. */
  hasParameter: boolean;
}

export function whereParts(tree: ParseTree): WhereParts {
  return tree.parser === 'duckdb' ? duckdbWhereParts(tree.node) : postgresWhereParts(tree.node);
}
