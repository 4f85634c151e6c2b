import type { EnvironmentSettings } from '../config/environment-settings.js';
import { InputError, PlannerError } from '../errors.js';

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
