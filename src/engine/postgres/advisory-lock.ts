import { createHash } from 'node:crypto';
import pg from 'pg';
import type { EngineLocks, HeldLock } from '../engine-adapter.js';
import type { PostgresSettings } from './config.js';
import { connectError } from './connection.js';

/** PostgreSQL's limit on `application_name` (NAMEDATALEN - 1), printable ASCII only. */
const MAX_LABEL = 63;

/** One lock held by this process: its mode, for the in-process queue of its key. */
interface LocalHold {
  shared: boolean;
}

/**
 * Session advisory locks, all on one connection of their own per engine (opened at the
 * first lock, closed with the engine): an apply takes and releases a lock per table it
 * fills, and a new connection for each cost more than the table on small models. The
 * connection's `application_name` is the label of the first lock it took while holding
 * none (an apply's environment lock), so a process that fails to take a lock can name who
 * holds it (pg_locks joined with pg_stat_activity, visible to every role); and when a
 * holder dies its connection closes and the server frees every lock it held: a killed
 * apply never leaves a lock behind.
 *
 * A session's own advisory locks never conflict with each other, so holders in this
 * process queue here first: an exclusive lock waits for every local holder of its key, a
 * shared one for a local exclusive holder, and a tryLock a local holder refuses. Waits on
 * other processes block the connection: one command takes its locks one after another.
 */
export class AdvisoryLocks implements EngineLocks {
  private client?: Promise<pg.Client>;
  /** The connected lock connection, once `client` resolved. */
  private current?: pg.Client;
  private label?: string;
  /** Locks this engine holds, by key, and who waits for them in this process. */
  private readonly holds = new Map<string, { holders: LocalHold[]; labels: string[]; waiters: (() => void)[] }>();
  private closed = false;

  constructor(private readonly settings: PostgresSettings) {}

  async tryLock(key: string, label: string): Promise<{ lock: HeldLock } | { heldBy: string | null }> {
    const local = this.holds.get(key);
    if (local?.holders.length) return { heldBy: local.labels[0] ?? null };
    const hold = this.hold(key, { shared: false }, label);
    const id = advisoryKey(key);
    try {
      const client = await this.session(label);
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [id.key]);
      if (rows[0].ok) return { lock: this.held([{ key, hold }], 'pg_advisory_unlock') };
      const holder = await client.query(
        `SELECT a.application_name FROM pg_locks AS l LEFT JOIN pg_stat_activity AS a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.classid = $1::oid AND l.objid = $2::oid
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [id.classid, id.objid],
      );
      this.forget(key, hold);
      return { heldBy: holder.rows[0]?.application_name ?? null };
    } catch (err) {
      this.forget(key, hold);
      throw err;
    }
  }

  async lock(key: string, label: string, options: { shared?: boolean } = {}): Promise<HeldLock> {
    const shared = Boolean(options.shared);
    await this.localTurn(key, shared);
    const hold = this.hold(key, { shared }, label);
    try {
      const client = await this.session(label);
      await client.query(shared ? 'SELECT pg_advisory_lock_shared($1::bigint)' : 'SELECT pg_advisory_lock($1::bigint)', [advisoryKey(key).key]);
      return this.held([{ key, hold }], shared ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock');
    } catch (err) {
      this.forget(key, hold);
      throw err;
    }
  }

  /**
   * Waits for every key, exclusive, in the order of their advisory keys (local holders
   * first, then the server, in one statement): a group of builds takes its tables' turns
   * with two round trips, not two per table, and never in a cycle with another group.
   */
  async lockAll(keys: readonly string[], label: string): Promise<HeldLock> {
    const ordered = [...new Set(keys)].map((key) => ({ key, id: BigInt(advisoryKey(key).key) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const holds: { key: string; hold: LocalHold }[] = [];
    const forgetAll = () => holds.forEach(({ key, hold }) => this.forget(key, hold));
    try {
      for (const { key } of ordered) {
        await this.localTurn(key, false);
        holds.push({ key, hold: this.hold(key, { shared: false }, label) });
      }
      if (ordered.length) {
        const client = await this.session(label);
        // unnest keeps the array's order: the server takes them one after another in it.
        await client.query('SELECT count(pg_advisory_lock(k)) FROM unnest($1::bigint[]) AS k', [ordered.map((o) => o.id.toString())]);
      }
    } catch (err) {
      // Those taken before the failure are let go (a dropped connection took them already).
      await unlockOn(this.current, 'pg_advisory_unlock', ordered.map((o) => o.key));
      forgetAll();
      throw err;
    }
    return this.held(holds, 'pg_advisory_unlock');
  }

  /** Closes the lock connection: the server frees whatever it still holds. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    if (client) await (await client.catch(() => undefined))?.end().catch(() => undefined);
  }

  /** Waits for local holders this lock conflicts with: the server would let them share it. */
  private async localTurn(key: string, shared: boolean): Promise<void> {
    for (;;) {
      const local = this.holds.get(key);
      if (!local?.holders.some((h) => !shared || !h.shared)) return;
      await new Promise<void>((resolve) => local.waiters.push(resolve));
    }
  }

  private hold(key: string, hold: LocalHold, label: string): LocalHold {
    const entry = this.holds.get(key) ?? { holders: [], labels: [], waiters: [] };
    entry.holders.push(hold);
    entry.labels.push(label);
    this.holds.set(key, entry);
    return hold;
  }

  private forget(key: string, hold: LocalHold): void {
    const entry = this.holds.get(key);
    if (!entry) return;
    const i = entry.holders.indexOf(hold);
    if (i >= 0) {
      entry.holders.splice(i, 1);
      entry.labels.splice(i, 1);
    }
    for (const wake of entry.waiters.splice(0)) wake();
    if (!entry.holders.length && !entry.waiters.length) this.holds.delete(key);
  }

  /** What releases these holds: the server's locks in one statement, then the local ones. */
  private held(holds: readonly { key: string; hold: LocalHold }[], unlock: Unlock): HeldLock {
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          // A connection that dropped took its locks with it: nothing to undo then.
          await unlockOn(await this.client?.catch(() => undefined), unlock, holds.map((h) => h.key));
        } finally {
          for (const { key, hold } of holds) this.forget(key, hold);
        }
      },
    };
  }

  /** The lock connection, labelled for this lock when it holds no other. */
  private async session(label: string): Promise<pg.Client> {
    if (this.closed) throw new Error('advisory locks used after the engine was closed');
    const wanted = toLabel(label);
    if (!this.client) {
      this.label = wanted;
      const connecting = this.connect(wanted);
      this.client = connecting;
      connecting.catch(() => {
        if (this.client === connecting) this.client = undefined;
      });
      return connecting;
    }
    const client = await this.client;
    const holding = [...this.holds.values()].reduce((n, e) => n + e.holders.length, 0) > 1;
    if (!holding && this.label !== wanted) {
      await client.query(`SELECT set_config('application_name', $1, false)`, [wanted]);
      this.label = wanted;
    }
    return client;
  }

  private async connect(label: string): Promise<pg.Client> {
    const client = new pg.Client({ ...this.settings.connection, application_name: label });
    // A lock connection that drops must not crash the process; its locks are gone with it,
    // and the next lock opens a new one.
    const gone = () => {
      if (this.current === client) {
        this.current = undefined;
        this.client = undefined;
      }
    };
    client.on('error', gone);
    client.on('end', gone);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw connectError(this.settings, err);
    }
    this.current = client;
    return client;
  }
}

type Unlock = 'pg_advisory_unlock' | 'pg_advisory_unlock_shared';

/** Releases these locks of the session in one statement, if it is still there (errors ignored: a lost session holds none). */
async function unlockOn(client: pg.Client | undefined, unlock: Unlock, keys: readonly string[]): Promise<void> {
  if (!client || !keys.length) return;
  await client.query(`SELECT count(${unlock}(k)) FROM unnest($1::bigint[]) AS k`, [keys.map((k) => advisoryKey(k).key)]).catch(() => undefined);
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
