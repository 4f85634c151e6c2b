import { DuckDBInstance, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { charOffsetOfByte } from '../util/text-position.js';
import type { ParseOutcome, SqlParser } from './sql-parser.js';

/**
 * Parses with DuckDB's parser through `json_serialize_sql`, in an in-memory database that
 * touches no files. All queries go in one statement: `list_transform` keeps their order.
 */
export class DuckDBSqlParser implements SqlParser {
  private instance?: DuckDBInstance;
  private connection?: Promise<DuckDBConnection>;

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= DuckDBInstance.create(':memory:').then((inst) => {
      this.instance = inst;
      return inst.connect();
    });
    return this.connection;
  }

  async parseMany(queries: readonly string[]): Promise<ParseOutcome[]> {
    if (!queries.length) return [];
    const conn = await this.connect();
    const reader = await conn.runAndReadAll(
      'SELECT list_transform($1::VARCHAR[], q -> json_serialize_sql(q)) AS j',
      [listValue([...queries])],
    );
    const serialized = reader.getRowObjects()[0].j as unknown as { items: string[] };
    return serialized.items.map((json, i) => toOutcome(json, queries[i]));
  }

  close(): void {
    this.connection?.then((c) => c.closeSync()).catch(() => undefined);
    this.instance?.closeSync();
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
  return { ok: true, ast: statements[0] };
}
