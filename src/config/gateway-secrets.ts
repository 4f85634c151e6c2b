import { redact } from '../util/secrets.js';
import type { GatewayConfig, GatewayConnectionConfig } from './types.js';

const MASK = '***';

/**
 * The secret values of the configured gateways: `password` settings and the password
 * part of connection URLs, as written and percent-decoded (a driver may print either).
 */
export function gatewaySecrets(gateways: Record<string, GatewayConfig>): string[] {
  const out = new Set<string>();
  const add = (c: GatewayConnectionConfig | undefined) => {
    if (!c || c.type !== 'postgres') return;
    if (c.password) out.add(c.password);
    const fromUrl = c.url ? urlPassword(c.url) : undefined;
    if (fromUrl) {
      out.add(fromUrl);
      try {
        out.add(decodeURIComponent(fromUrl));
      } catch {
        // A malformed escape: the raw form is already remembered.
      }
    }
  };
  for (const g of Object.values(gateways)) {
    add(g);
    add(g.state);
  }
  return [...out].filter((s) => s.length > 0);
}

function urlPassword(url: string): string | undefined {
  try {
    return new URL(url).password || undefined;
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]*)@/i.exec(url)?.[1];
  }
}

/** A gateway as it may be shown: passwords replaced by `***`, in URLs too. */
export function maskGateway<T extends GatewayConnectionConfig>(gateway: T): T {
  const out: Record<string, unknown> = { ...gateway };
  if (gateway.type === 'postgres') {
    if (gateway.password !== undefined) out.password = MASK;
    if (gateway.url !== undefined) out.url = redact(gateway.url);
  }
  if (gateway.state) out.state = maskGateway(gateway.state);
  return out as T;
}
