import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { ConflictError, EngineError } from '../../errors.js';
import type { QueryResult, Row } from '../engine-adapter.js';

/**
 * One DuckDB connection shared by the engine and the state store, so a promotion and the
 * state write that records it can share a transaction. Statements run one at a time:
 * a DuckDB connection is not safe for concurrent use.
 */
export class DuckDBSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<DuckDBSession> {
    try {
      const instance = await DuckDBInstance.create(path);
      return new DuckDBSession(instance, await instance.connect(), path);
    } catch (err) {
      const message = (err as Error).message;
      const holder = /PID (\d+)/.exec(message);
      if (/lock/i.test(message)) {
        throw new ConflictError(
          `the DuckDB file ${path} is in use by another process${holder ? ` (PID ${holder[1]})` : ''}; only one planner command can use it at a time`,
          { code: 'locked', hint: 'wait for the other command to finish, or stop it' },
        );
      }
      throw new EngineError(`cannot open DuckDB file ${path}: ${message}`, { cause: err });
    }
  }

  /** Runs `sql` once the statements before it are done; `before` may refuse it at that moment (it throws). */
  run(sql: string, params: unknown[] = [], before?: () => void): Promise<QueryResult> {
    const next = this.queue.then(() => {
      before?.();
      return this.runNow(sql, params);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs `sql` only if each of its statements is a SELECT: DuckDB has no read-only
   * transaction on a file opened for writing, so read-only work checks what it runs.
   */
  runSelect(sql: string, params: unknown[] = [], before?: () => void): Promise<QueryResult> {
    const next = this.queue.then(async () => {
      before?.();
      let kinds: StatementType[];
      try {
        const extracted = await this.connection.extractStatements(sql);
        kinds = [];
        for (let i = 0; i < extracted.count; i++) kinds.push((await extracted.prepare(i)).statementType);
      } catch (err) {
        throw new EngineError(`DuckDB: ${(err as Error).message}`, { cause: err });
      }
      if (kinds.some((k) => k !== StatementType.SELECT)) {
        throw new EngineError('DuckDB: this runs read-only: only SELECT statements are allowed', { code: 'read_only' });
      }
      return this.runNow(sql, params);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The statement on the connection now (a number per statement), if any. */
  runningStatement(): number | undefined {
    return this.running;
  }
  private running: number | undefined;
  private statements = 0;

  private async runNow(sql: string, params: unknown[]): Promise<QueryResult> {
    const id = ++this.statements;
    this.running = id;
    try {
      const reader = await this.connection.runAndReadAll(sql, params.length ? (params.map(toDuckValue) as DuckDBValue[]) : undefined);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const rows = reader.getRowObjectsJS().map(normalizeRow);
      return { columns: names.map((name, i) => ({ name, type: String(types[i]) })), rows };
    } catch (err) {
      throw new EngineError(`DuckDB: ${(err as Error).message}`, { cause: err });
    } finally {
      if (this.running === id) this.running = undefined;
    }
  }

  /** Stops the statement running now, if any (DuckDB raises an INTERRUPT error in it). */
  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toDuckValue(v: unknown): unknown {
  if (typeof v === 'boolean' || v === null || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? BigInt(v) : v;
  if (v === undefined) return null;
  return String(v);
}

/** BIGINT comes back as bigint; the values the planner reads fit in a double. */
function normalizeRow(row: Record<string, unknown>): Row {
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) row[k] = Number(v);
  }
  return row;
}
