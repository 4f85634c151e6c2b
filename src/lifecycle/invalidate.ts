import { InputError } from '../errors.js';
import { PROD } from '../snapshot/virtual-names.js';
import { isExpired, type EnvironmentRecord, type StateStore } from '../state/state-store.js';

/** The outcome of `planner invalidate`. */
export interface InvalidateResult {
  environment: string;
  /** When it would have expired before (null: never). */
  previousExpiresAt: number | null;
  expiresAt: number;
  alreadyExpired: boolean;
}

/**
 * Expires an environment now: planning treats it as gone at once, and the next janitor
 * run removes its views and the tables only it used. Prod is never invalidated: the
 * janitor would drop every view readers use.
 */
export async function invalidateEnvironment(state: StateStore, env: EnvironmentRecord, now: number): Promise<InvalidateResult> {
  refuseProd(env.name);
  if (isExpired(env, now)) {
    return { environment: env.name, previousExpiresAt: env.expiresAt, expiresAt: env.expiresAt!, alreadyExpired: true };
  }
  // Compare-and-set on the plan id: an apply that lands meanwhile wins, and this fails as stale.
  await state.setEnvironment({ ...env, expiresAt: now }, env.planId);
  return { environment: env.name, previousExpiresAt: env.expiresAt, expiresAt: now, alreadyExpired: false };
}

/** Prod is never invalidated, whatever the config says. */
export function refuseProd(environment: string): void {
  if (environment !== PROD) return;
  throw new InputError(`environment 'prod' cannot be invalidated: the janitor would drop the views everyone reads`, {
    code: 'protected_environment',
    hint: 'to remove a model from prod, delete its file and plan prod',
  });
}
