import type { ParseOutcome, SqlParser } from './sql-parser.js';

type LibPgQuery = typeof import('libpg-query');

/**
 * The WebAssembly module loads once per process, on the first PostgreSQL query; every
 * parser shares it. Imported then, not at the top: a DuckDB project never loads it.
 */
let loaded: Promise<LibPgQuery> | undefined;

/**
 * Parses with PostgreSQL's own parser (libpg_query, compiled to WebAssembly: no native
 * build). It reads the grammar only, like DuckDB's parser: no catalog, no database.
 */
export class PostgresSqlParser implements SqlParser {
  async parseMany(queries: readonly string[]): Promise<ParseOutcome[]> {
    if (!queries.length) return [];
    loaded ??= import('libpg-query').then(async (lib) => {
      await lib.loadModule();
      return lib;
    });
    const { parseSync } = await loaded;
    return queries.map((query) => parseOne(parseSync, query));
  }

  close(): void {}
}

function parseOne(parseSync: LibPgQuery['parseSync'], query: string): ParseOutcome {
  let result: { stmts?: { stmt: Record<string, unknown> }[] };
  try {
    result = parseSync(query);
  } catch (err) {
    const e = err as Error & { sqlDetails?: { cursorPosition?: number } };
    // libpg_query reports the error's position as a 0-based character offset.
    const pos = e.sqlDetails?.cursorPosition;
    return { ok: false, message: e.message || 'cannot parse the query', offset: typeof pos === 'number' && pos >= 0 ? pos : undefined };
  }
  const statements = result.stmts ?? [];
  if (statements.length !== 1) return { ok: false, message: `a model holds exactly one query, found ${statements.length}` };
  const stmt = statements[0].stmt;
  if (!stmt.SelectStmt) return { ok: false, message: `only SELECT statements can be models, found ${Object.keys(stmt)[0] ?? 'nothing'}` };
  return { ok: true, tree: { parser: 'postgres', node: stmt } };
}
