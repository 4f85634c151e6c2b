import { describe, expect, it } from 'vitest';
import { advisoryKey } from '../../src/engine/postgres/advisory-lock.js';
import { postgresSettings } from '../../src/engine/postgres/config.js';
import { InputError } from '../../src/errors.js';

describe('PostgreSQL gateway settings', () => {
  it('describes host, port and database without the password, and lets separate keys override the URL', () => {
    const s = postgresSettings({ type: 'postgres', url: 'postgres://alice:s%40cret!@db.example.com:6543/warehouse?sslmode=require' });
    expect(s.description).toBe('postgres db.example.com:6543/warehouse');
    expect([s.host, s.port, s.database]).toEqual(['db.example.com', 6543, 'warehouse']);
    expect(s.secrets).toContain('s@cret!');
    const o = postgresSettings({ type: 'postgres', url: 'postgres://alice:pw1@a:1/x', host: 'b', port: 2, database: 'y', password: 'pw2' });
    expect(o.description).toBe('postgres b:2/y');
    expect(o.connection.connectionString).toBe('postgres://alice:pw2@b:2/y');
    expect(postgresSettings({ type: 'postgres', host: 'h', user: 'u' }).description).toBe('postgres h:5432/u');
  });

  it('refuses a missing, unparsable or non-postgres URL without quoting its password', () => {
    expect(() => postgresSettings({ type: 'postgres' })).toThrowError(InputError);
    expect(() => postgresSettings({ type: 'postgres', url: 'not a url with hunter2' })).toThrowError(/^the postgres gateway url is not a valid URL$/);
    expect(() => postgresSettings({ type: 'postgres', url: 'mysql://u:hunter2@h/db' })).toThrowError(/must start with postgres/);
    try {
      postgresSettings({ type: 'postgres', url: 'postgres://u:hunter2@h:notaport/db' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
    expect(() => postgresSettings({ type: 'postgres', url: 'postgres://h/db', poolSize: 0 })).toThrowError(/poolSize/);
  });

  it('gives every lock name a stable 64-bit key whose halves are what pg_locks shows', () => {
    const k = advisoryKey('environment planner_state.prod');
    expect(advisoryKey('environment planner_state.prod')).toEqual(k);
    expect(advisoryKey('environment planner_state.dev')).not.toEqual(k);
    const unsigned = BigInt.asUintN(64, BigInt(k.key));
    expect((unsigned >> 32n).toString()).toBe(k.classid);
    expect((unsigned & 0xffffffffn).toString()).toBe(k.objid);
  });
});
