import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import type { EngineAdapter } from '../../src/engine/engine-adapter.js';
import { PostgresAdapter } from '../../src/engine/postgres/adapter.js';
import { PgTestDatabase, postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

/** The same transaction cases on every engine: one contract (src/engine/transactions.ts). */
const engines: { name: string; available: boolean; open(): Promise<{ engine: EngineAdapter; done(): Promise<void> }> }[] = [
  {
    name: 'DuckDB',
    available: true,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'planner-tx-'));
      const engine = await DuckDBAdapter.open(join(dir, 'w.duckdb'));
      return { engine, done: async () => { await engine.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: `PostgreSQL${server.note}`,
    available: server.available,
    async open() {
      const db = await PgTestDatabase.create();
      const engine = await PostgresAdapter.open({ type: 'postgres', url: db.url });
      return { engine, done: async () => { await engine.close(); await db.drop(); } };
    },
  },
];

for (const e of engines) {
  describe.skipIf(!e.available)(`transactions on ${e.name}`, () => {
    let engine: EngineAdapter;
    let done: () => Promise<void>;
    const t = { schema: 'tx', table: 't' };
    const ids = async () => (await engine.query('SELECT id FROM tx.t ORDER BY id')).rows.map((r) => Number(r.id));
    const insert = (id: number) => engine.execute(`INSERT INTO tx.t VALUES (${id})`);
    const fail = () => Promise.reject(new Error('boom'));

    beforeAll(async () => {
      ({ engine, done } = await e.open());
      await engine.createSchema('tx');
      await engine.createTableAs(t, 'SELECT 0 AS id');
    });
    afterAll(() => done());

    it('commits when the body resolves and rolls back everything when it throws', async () => {
      await engine.execute('DELETE FROM tx.t');
      expect(await engine.transaction(async () => { await insert(1); return 'ok'; })).toBe('ok');
      await expect(engine.transaction(async () => { await insert(2); await fail(); })).rejects.toThrow('boom');
      expect(await ids()).toEqual([1]);
    });

    it('a nested call joins the enclosing transaction: its failure rolls back the whole', async () => {
      await engine.execute('DELETE FROM tx.t');
      await expect(engine.transaction(async () => {
        await insert(1);
        await engine.transaction(async () => { await insert(2); });
        await engine.transaction(async () => { await insert(3); await fail(); });
      })).rejects.toThrow('boom');
      expect(await ids()).toEqual([]);
    });

    it('a nested savepoint undoes only its own work, or is refused where the engine has none', async () => {
      await engine.execute('DELETE FROM tx.t');
      const run = engine.transaction(async () => {
        await insert(1);
        await engine.transaction(async () => { await insert(2); await fail(); }, { savepoint: true }).catch((err: Error) => {
          if (err.message !== 'boom') throw err;
        });
        await insert(3);
      });
      if (engine.capabilities.savepoints) {
        await run;
        expect(await ids()).toEqual([1, 3]);
      } else {
        await expect(run).rejects.toMatchObject({ code: 'unsupported' });
        expect(await ids()).toEqual([]);
      }
    });

    it('honours a lock timeout given to a nested call for that call only', async () => {
      const setting = async () => (engine.dialect === 'postgres' ? String((await engine.query(`SELECT current_setting('lock_timeout') AS v`)).rows[0].v) : 'none');
      const seen = await engine.transaction(async () => {
        const before = await setting();
        const inner = await engine.transaction(setting, { lockTimeoutMs: 1234 });
        return [before === inner, inner, (await setting()) === before];
      });
      expect(seen).toEqual(engine.dialect === 'postgres' ? [false, '1234ms', true] : [true, 'none', true]);
    });

    it('reports a failed ROLLBACK with the error that caused it', async () => {
      await engine.execute('DELETE FROM tx.t');
      // The body ends the transaction behind the engine's back, so its ROLLBACK has nothing to roll back.
      const run = engine.transaction(async () => {
        await insert(1);
        if (engine.dialect === 'postgres') await engine.query('SELECT pg_terminate_backend(pg_backend_pid())');
        else await engine.execute('COMMIT');
        await fail();
      });
      await expect(run).rejects.toMatchObject({ code: 'rollback_failed' });
      // Still usable afterwards.
      expect(await engine.transaction(() => ids())).toEqual(engine.dialect === 'postgres' ? [] : [1]);
    });
  });
}
