import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryLocks } from '../../src/engine/postgres/advisory-lock.js';
import { postgresSettings } from '../../src/engine/postgres/config.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/spawn-planner.js';

const server = await postgresServer();

/** Advisory lock sessions open on the test database, by application_name. */
async function lockSessions(db: PgTestDatabase, label: string): Promise<number> {
  const rows = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1`, [`${label}%`]);
  return rows[0].n;
}

async function heldAdvisory(db: PgTestDatabase): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`))[0].n;
}

describe.skipIf(!server.available)(`advisory locks on one session per engine${server.note}`, () => {
  let db: PgTestDatabase;
  let a: AdvisoryLocks;
  let b: AdvisoryLocks;
  beforeAll(async () => {
    db = await PgTestDatabase.create();
    const settings = () => postgresSettings({ type: 'postgres', url: db.url });
    a = new AdvisoryLocks(settings());
    b = new AdvisoryLocks(settings());
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('takes many locks one after another on one connection, each released for the next holder', async () => {
    const label = 'planner apply lock-session-test';
    for (let i = 0; i < 20; i++) {
      const held = await a.lock(`backfill t${i}`, `${label} pid 1`);
      await held.release();
    }
    expect(await lockSessions(db, label)).toBe(1);
    expect(await heldAdvisory(db)).toBe(0);
  });

  it('excludes another engine (as another process) and names the holder; a release lets it in', async () => {
    const env = await a.tryLock('environment planner_state.prod', 'planner apply p1 pid 11 host-a');
    expect('lock' in env).toBe(true);
    // Later locks of the same apply keep the session's label: the environment's holder stays named.
    const turn = await a.lock('backfill s.t', 'planner apply p1 pid 11');
    expect(await b.tryLock('environment planner_state.prod', 'planner apply p2 pid 22 host-b')).toEqual({ heldBy: 'planner apply p1 pid 11 host-a' });

    let granted = false;
    const waiting = b.lock('backfill s.t', 'planner apply p2 pid 22').then((l) => {
      granted = true;
      return l;
    });
    await waitFor('the other engine to wait for the table', async () => (await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`))[0].n === 1);
    expect(granted).toBe(false);
    await turn.release();
    const theirs = await waiting;
    expect(granted).toBe(true);
    await theirs.release();
    if ('lock' in env) await env.lock.release();
    expect(await heldAdvisory(db)).toBe(0);
  });

  it('queues holders in this process: an exclusive lock waits for a local holder, shared ones share, and tryLock names the local holder', async () => {
    const first = await a.lock('backfill q', 'first');
    let second = false;
    const next = a.lock('backfill q', 'second').then((l) => {
      second = true;
      return l;
    });
    // It can only come once `first` is released, however long this waits.
    await db.query('SELECT 1');
    expect(second).toBe(false);
    expect(await a.tryLock('backfill q', 'third')).toEqual({ heldBy: 'first' });
    await first.release();
    await (await next).release();

    const s1 = await a.lock('collect x', 'apply 1', { shared: true });
    const s2 = await a.lock('collect x', 'apply 2', { shared: true });
    expect('heldBy' in (await b.tryLock('collect x', 'janitor'))).toBe(true);
    await s1.release();
    await s2.release();
    const janitor = await b.tryLock('collect x', 'janitor');
    expect('lock' in janitor).toBe(true);
    if ('lock' in janitor) await janitor.lock.release();
  });

  it('frees every lock when the engine closes, as when its process dies', async () => {
    const c = new AdvisoryLocks(postgresSettings({ type: 'postgres', url: db.url }));
    await c.lock('backfill z1', 'dying');
    await c.lock('backfill z2', 'dying');
    await c.close();
    const got = await b.tryLock('backfill z1', 'next');
    expect('lock' in got).toBe(true);
    if ('lock' in got) await got.lock.release();
  });
});
