import type { PoolConfig } from 'pg';
import type { PostgresGatewayConfig } from '../../config/types.js';
import { InputError } from '../../errors.js';
import { urlSecrets } from '../../util/secrets.js';

/**
 * How long a promotion waits for readers' locks on the views before it fails and rolls
 * back, unless the server or the URL (`?options=-c%20lock_timeout%3D5s`) sets its own.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const DEFAULT_POOL_SIZE = 4;
const CONNECT_TIMEOUT_MS = 10_000;

/** What the PostgreSQL engine needs from a gateway, with the password kept out of `description`. */
export interface PostgresSettings {
  /** `pg` connection settings for the pool (and for the lock connections, one per lock). */
  connection: PoolConfig;
  poolSize: number;
  /** `host:port/database` for messages: never the password. */
  description: string;
  host: string;
  port: number;
  database: string;
  /** Values to remove from any message that may quote the connection. */
  secrets: string[];
}

/**
 * Resolves a PostgreSQL gateway: the URL (usually from an environment variable) gives the
 * defaults, and `host`, `port`, `database`, `user`, `password` given separately override
 * its parts. An unparsable URL is reported without quoting it, since it may hold a password.
 * @example postgresSettings({ type: 'postgres', url: process.env.PLANNER_PG_URL })
 */
export function postgresSettings(gateway: PostgresGatewayConfig): PostgresSettings {
  if (!gateway.url && !gateway.host) {
    throw new InputError('the postgres gateway has neither a url nor a host', {
      code: 'invalid_config',
      hint: 'set the environment variable the gateway reads its url from (such as PLANNER_PG_URL), or give host and database',
    });
  }
  let url: URL;
  try {
    url = new URL(gateway.url ?? 'postgres://localhost');
  } catch {
    throw new InputError('the postgres gateway url is not a valid URL', {
      code: 'invalid_config',
      hint: 'expected postgres://user:password@host:5432/database',
    });
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) {
    throw new InputError(`the postgres gateway url must start with postgres:// or postgresql://, not ${url.protocol}//`, { code: 'invalid_config' });
  }
  if (gateway.host !== undefined) url.hostname = gateway.host;
  if (gateway.port !== undefined) url.port = String(gateway.port);
  if (gateway.database !== undefined) url.pathname = `/${encodeURIComponent(gateway.database)}`;
  if (gateway.user !== undefined) url.username = encodeURIComponent(gateway.user);
  if (gateway.password !== undefined) url.password = encodeURIComponent(gateway.password);

  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const port = Number(url.port || url.searchParams.get('port') || 5432);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || user || 'postgres';
  const poolSize = gateway.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new InputError(`the postgres gateway's poolSize must be a positive whole number, not ${poolSize}`, { code: 'invalid_config' });
  }
  return {
    connection: {
      connectionString: url.toString(),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'planner',
    },
    poolSize,
    description: `postgres ${host}:${port}/${database}`,
    host,
    port,
    database,
    secrets: [...new Set([...(password ? [password, encodeURIComponent(password)] : []), ...urlSecrets(url.toString())])],
  };
}
