import { EngineError } from '../errors.js';

/**
 * Options of one `engine.transaction()`. The contract, the same on every engine:
 * - outermost: BEGIN, then COMMIT when `fn` resolves, ROLLBACK when it throws;
 * - nested (called inside another's async scope): joins the enclosing transaction, which
 *   alone commits or rolls back; with `savepoint`, a failure of `fn` undoes only its own
 *   work and the enclosing transaction goes on;
 * - an option a nested call cannot honour is refused with an error, never dropped;
 * - a failed ROLLBACK is reported (with the error that caused it), never swallowed.
 */
export interface TransactionOptions {
  /** Nested: run `fn` under a savepoint (engines without savepoints refuse). Outermost: no effect. */
  savepoint?: boolean;
  /**
   * How long a statement may wait for a lock, in ms (0: forever); nested, for `fn` only.
   * Engines where one process holds the database (DuckDB) never wait and accept it as is.
   */
  lockTimeoutMs?: number;
}

/** Refuses `savepoint` on an engine that has none, instead of joining silently. */
export function refuseSavepoint(engine: string): never {
  throw new EngineError(`${engine} has no savepoints: a nested transaction can only join the enclosing one`, {
    code: 'unsupported',
    hint: 'run the part that may fail in a transaction of its own, outside the enclosing one',
  });
}

/**
 * A transaction failed and so did its ROLLBACK: the connection's state is unknown. The
 * error names both; `cause` is the first failure.
 */
export function rollbackFailed(original: unknown, rollbackError: unknown): EngineError {
  const first = original instanceof Error ? original.message : String(original);
  const second = rollbackError instanceof Error ? rollbackError.message : String(rollbackError);
  return new EngineError(`${first} (and rolling the transaction back failed too: ${second})`, {
    cause: original,
    code: 'rollback_failed',
    hint: 'the connection was dropped; check the database, then run the command again',
  });
}
