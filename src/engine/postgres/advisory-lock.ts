import { createHash } from 'node:crypto';
import pg from 'pg';
import type { EngineLocks, HeldLock } from '../engine-adapter.js';
import type { PostgresSettings } from './config.js';
import { connectError } from './connection.js';

/** PostgreSQL's limit on `application_name` (NAMEDATALEN - 1), printable ASCII only. */
const MAX_LABEL = 63;

/**
 * Session advisory locks, each on a connection of its own opened for it. The holder's
 * label is the connection's `application_name`, so a process that fails to take a lock
 * can name who holds it (pg_locks joined with pg_stat_activity, visible to every role);
 * and when a holder dies its connection closes and the server frees the lock: a killed
 * apply never leaves a lock behind.
 */
export class AdvisoryLocks implements EngineLocks {
  constructor(private readonly settings: PostgresSettings) {}

  async tryLock(key: string, label: string): Promise<{ lock: HeldLock } | { heldBy: string | null }> {
    const id = advisoryKey(key);
    const client = await this.connect(label);
    try {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [id.key]);
      if (rows[0].ok) return { lock: held(client) };
      const holder = await client.query(
        `SELECT a.application_name FROM pg_locks AS l LEFT JOIN pg_stat_activity AS a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.classid = $1::oid AND l.objid = $2::oid
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [id.classid, id.objid],
      );
      await client.end().catch(() => undefined);
      return { heldBy: holder.rows[0]?.application_name ?? null };
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  async lock(key: string, label: string, options: { shared?: boolean } = {}): Promise<HeldLock> {
    const client = await this.connect(label);
    try {
      await client.query(options.shared ? 'SELECT pg_advisory_lock_shared($1::bigint)' : 'SELECT pg_advisory_lock($1::bigint)', [advisoryKey(key).key]);
      return held(client);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  private async connect(label: string): Promise<pg.Client> {
    const client = new pg.Client({ ...this.settings.connection, application_name: toLabel(label) });
    // A lock connection that drops must not crash the process; its lock is gone with it.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw connectError(this.settings, err);
    }
    return client;
  }
}

function held(client: pg.Client): HeldLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Closing the session frees its advisory locks.
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * The 64-bit advisory key of a lock name, and its two halves as pg_locks shows them
 * (`classid` the high 32 bits, `objid` the low ones, `objsubid` 1 for the bigint form).
 */
export function advisoryKey(name: string): { key: string; classid: string; objid: string } {
  const raw = createHash('sha256').update(`planner\0${name}`).digest().readBigUInt64BE(0);
  return {
    key: BigInt.asIntN(64, raw).toString(),
    classid: (raw >> 32n).toString(),
    objid: (raw & 0xffffffffn).toString(),
  };
}

function toLabel(label: string): string {
  return label.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_LABEL);
}
