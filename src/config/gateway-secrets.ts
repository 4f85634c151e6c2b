import { redactSecretParts, urlSecrets } from '../util/secrets.js';
import type { GatewayConfig, GatewayConnectionConfig } from './types.js';

const MASK = '***';

/**
 * The secret values of the configured gateways: `password` settings and the secret parts
 * of connection URLs (password, `?password=`, `?sslpassword=`...), as written and decoded.
 */
export function gatewaySecrets(gateways: Record<string, GatewayConfig>): string[] {
  const out = new Set<string>();
  const add = (c: GatewayConnectionConfig | undefined) => {
    if (!c || c.type !== 'postgres') return;
    if (c.password) out.add(c.password);
    if (c.url) for (const s of urlSecrets(c.url)) out.add(s);
  };
  for (const g of Object.values(gateways)) {
    add(g);
    add(g.state);
  }
  return [...out];
}

/** A gateway as it may be shown: passwords replaced by `***`, in URLs too. */
export function maskGateway<T extends GatewayConnectionConfig>(gateway: T): T {
  const out: Record<string, unknown> = { ...gateway };
  if (gateway.type === 'postgres') {
    if (gateway.password !== undefined) out.password = MASK;
    if (gateway.url !== undefined) out.url = redactSecretParts(gateway.url);
  }
  if (gateway.state) out.state = maskGateway(gateway.state);
  return out as T;
}
