import { InputError } from '../errors.js';
import type { GatewayConfig, ResolvedConfig } from './types.js';

/**
 * The gateway named `name`, checked only when it is about to be used: a PostgreSQL
 * gateway whose URL comes from an unset environment variable is fine until someone
 * plans on it, and then it is one clear error naming the key instead of a driver's
 * attempt to reach localhost.
 */
export function resolveGateway(config: ResolvedConfig, name: string): GatewayConfig {
  const gateway = config.gateways[name];
  if (!gateway) {
    throw new InputError(`unknown gateway '${name}'`, { code: 'unknown_gateway', hint: `gateways: ${Object.keys(config.gateways).join(', ')}` });
  }
  if (gateway.type === 'postgres' && !gateway.url && !gateway.host) {
    throw new InputError(`config key 'gateways.${name}' has neither 'url' nor 'host'`, {
      code: 'invalid_config',
      location: config.configFile ? { file: config.configFile } : undefined,
      hint: `if it reads process.env, set that variable (a .env file in ${config.projectDir} is read too)`,
    });
  }
  return gateway;
}
