import { availableParallelism } from 'node:os';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { lazyRequire } from '../util/lazy-require.js';
import { charOffsetOfByte } from '../util/text-position.js';
import type { ParseOutcome, SqlParser } from './sql-parser.js';

/** Loaded on the first parse: a project whose models all come from the cache never loads DuckDB for it. */
const duckdb = lazyRequire<typeof import('@duckdb/node-api')>('@duckdb/node-api');

/**
 * Parses with DuckDB's parser through `json_serialize_sql`, in an in-memory database that
 * touches no files. All queries go in one statement: `list_transform` keeps their order.
 */
export class DuckDBSqlParser implements SqlParser {
  private instance?: DuckDBInstance;
  private connections?: Promise<DuckDBConnection[]>;

  /**
   * Starts opening the in-memory database now (about 10 ms, on a thread of DuckDB's own),
   * so that a parse asked for later finds it open: a load that knows early it will parse
   * (a file was edited) overlaps the opening with its own work.
   */
  warm(): void {
    this.connect().catch(() => undefined);
  }

  /** One connection per core: each parses its share of a large batch in its own thread. */
  private connect(): Promise<DuckDBConnection[]> {
    this.connections ??= duckdb().DuckDBInstance.create(':memory:').then(async (inst) => {
      this.instance = inst;
      const n = Math.max(1, Math.min(4, availableParallelism()));
      try {
        return await Promise.all(Array.from({ length: n }, () => inst.connect()));
      } catch (err) {
        // Nothing will close it later: close() closes only a database that opened whole.
        this.instance = undefined;
        inst.closeSync();
        throw err;
      }
    });
    return this.connections;
  }

  async parseMany(queries: readonly string[]): Promise<ParseOutcome[]> {
    if (!queries.length) return [];
    const conns = await this.connect();
    const share = Math.ceil(queries.length / (queries.length < 500 ? 1 : conns.length));
    const parts = await Promise.all(
      conns.map(async (conn, i) => {
        const chunk = queries.slice(i * share, (i + 1) * share);
        if (!chunk.length) return [];
        const reader = await conn.runAndReadAll('SELECT list_transform($1::VARCHAR[], q -> json_serialize_sql(q)) AS j', [duckdb().listValue(chunk)]);
        return (reader.getRowObjects()[0].j as unknown as { items: string[] }).items;
      }),
    );
    return parts.flat().map((json, i) => toOutcome(json, queries[i]));
  }

  /** Closes the database, once it is open if it is still opening (a warmed parser nobody used). */
  close(): void {
    const opening = this.connections;
    this.connections = undefined;
    opening
      ?.then((cs) => {
        cs.forEach((c) => c.closeSync());
        this.instance?.closeSync();
      })
      .catch(() => undefined);
  }
}

interface Serialized {
  error: boolean;
  error_message?: string;
  position?: string;
  statements?: { node: Record<string, unknown> }[];
}

function toOutcome(json: string, query: string): ParseOutcome {
  const parsed = JSON.parse(json) as Serialized;
  if (parsed.error) {
    const message = (parsed.error_message ?? 'cannot parse the query').replace(/^Parser Error: /, '');
    const pos = parsed.position !== undefined ? Number(parsed.position) : undefined;
    return { ok: false, message, offset: pos === undefined || Number.isNaN(pos) ? undefined : charOffsetOfByte(query, pos) };
  }
  const statements = parsed.statements ?? [];
  if (statements.length !== 1) {
    return { ok: false, message: `a model holds exactly one query, found ${statements.length}` };
  }
  return { ok: true, tree: { parser: 'duckdb', node: statements[0].node } };
}
