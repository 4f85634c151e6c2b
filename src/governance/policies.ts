import type { EnvironmentSettings } from '../config/environment-settings.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { EngineError, InputError, PlannerError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { quoteTable } from '../util/identifiers.js';

/** A runtime policy of the environment stopped the work: nothing it did is kept. */
export class PolicyError extends PlannerError {
  constructor(message: string, opts: { hint?: string; code?: string } = {}) {
    super(opts.code ?? 'policy', message, { ...opts, exitCode: 1 });
  }
}

/**
 * `policies.allowedGateways`: an environment planned, applied or run on a gateway its
 * policy does not list is refused before anything is read or written (bad usage, exit 2).
 */
export function assertGatewayAllowed(settings: EnvironmentSettings, gateway: string): void {
  const allowed = settings.policies.allowedGateways;
  if (!allowed || allowed.includes(gateway)) return;
  throw new InputError(`environment '${settings.name}' may not use gateway '${gateway}': its policy allows ${allowed.map((g) => `'${g}'`).join(', ')}`, {
    code: 'gateway_not_allowed',
    hint: `policy from config key 'environments.${settings.matchedBy}.policies.allowedGateways'; pass --gateway ${allowed[0]} or change the policy`,
  });
}

/**
 * `policies.maxRowsPerModel`: a table built for the environment may hold at most this
 * many rows. Checked inside the build's transaction, before the table is recorded, so an
 * oversized build rolls back with it (views are not tables: their rows are never stored).
 */
export async function assertRowLimit(snapshot: Snapshot, engine: EngineAdapter, maxRows: number): Promise<void> {
  if (kindStrategy(snapshot.model.kind).physical !== 'table') return;
  const rows = Number((await engine.query(`SELECT count(*) AS n FROM ${quoteTable(snapshot.physical)}`)).rows[0]?.n ?? 0);
  if (rows <= maxRows) return;
  throw new PolicyError(`${snapshot.name} would hold ${rows} rows, over the environment's limit of ${maxRows} (policies.maxRowsPerModel); the build was rolled back and nothing was promoted`, {
    code: 'max_rows_exceeded',
    hint: 'limit the backfill (--start/--end), sample the sources, or raise the policy',
  });
}

/**
 * `policies.maxBuildMinutes`: runs one model's build with its statements limited to the
 * policy's time (EngineAdapter.withStatementTimeout). A statement past it is cancelled and
 * the build fails in its transaction, so nothing of it is recorded or promoted.
 */
export async function withBuildTimeLimit<T>(snapshot: Snapshot, engine: EngineAdapter, minutes: number | undefined, fn: () => Promise<T>): Promise<T> {
  if (minutes === undefined) return fn();
  try {
    return await engine.withStatementTimeout(minutes * 60_000, fn);
  } catch (err) {
    if (!(err instanceof EngineError && err.code === 'statement_timeout')) throw err;
    throw new PolicyError(`${snapshot.name} ran past the environment's limit of ${minutes} minutes per build (policies.maxBuildMinutes): it was cancelled and rolled back, and nothing was recorded or promoted`, {
      code: 'max_build_minutes_exceeded',
      hint: 'limit the backfill (--start/--end), sample the sources, or raise the policy',
    });
  }
}
