import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

/**
 * Team guarantee: `table-diff` (all of it, `--where` included) and `fetchdf` (unless
 * `--write`) cannot change the warehouse; an empty `--start/--end` range is bad input.
 */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`read-only queries and time ranges on ${engine.name}`, () => {
    let w: EngineProject;
    const cli = (args: string[]) => runCli([...args, '-p', w.project.dir]);
    const pg = engine.name.startsWith('PostgreSQL');
    const largeObjects = async () => Number((await w.sql('SELECT count(*) AS n FROM pg_largeobject_metadata'))[0].n);

    beforeAll(async () => {
      w = await engine.setup();
      expect((await cli(['plan', '--yes'])).code).toBe(0);
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 1 AS marker');
      expect((await cli(['plan', 'dev', '--yes'])).code).toBe(0);
    });
    afterAll(async () => w?.cleanup());

    /** A user function that writes: only a read-only transaction stops it, since it looks like any function. */
    const createWriter = () =>
      w.sql(`CREATE TABLE public.written (n int);
        CREATE FUNCTION public.writes() RETURNS int LANGUAGE sql AS 'INSERT INTO public.written VALUES (1) RETURNING n'`);
    const written = async () => Number((await w.sql('SELECT count(*) AS n FROM public.written'))[0].n);

    it('fetchdf runs read-only unless --write is given', async () => {
      await w.sql('CREATE SEQUENCE analytics.counter');
      const next = "SELECT nextval('analytics.counter') AS n";
      const refused = await cli(['fetchdf', next]);
      expect(refused.code, refused.text).toBe(2);
      expect(refused.text).toMatch(/calls nextval\(\)/);
      if (pg) {
        await createWriter();
        for (const sql of ["SELECT lo_import('/etc/hostname') AS oid", 'SELECT "lo_import"(\'/etc/hostname\') AS oid', 'SELECT public.writes() AS n']) {
          const r = await cli(['fetchdf', sql]);
          expect(r.code, `${sql}: ${r.text}`).toBe(2);
        }
        expect((await cli(['fetchdf', 'SELECT public.writes() AS n'])).text).toMatch(/read-only transaction/);
        expect(await largeObjects()).toBe(0);
        expect(await written()).toBe(0);
        expect((await cli(['fetchdf', 'SELECT public.writes() AS n', '--write'])).code).toBe(0);
        expect(await written()).toBe(1);
      }
      const read = await cli(['fetchdf', 'SELECT count(*) AS n FROM analytics.customers', '--json']);
      expect(read.code, read.text).toBe(0);
      const allowed = await cli(['fetchdf', next, '--write', '--json']);
      expect(allowed.code, allowed.text).toBe(0);
      expect(JSON.parse(allowed.text).rows[0].n).toBe(1);
    });

    it('table-diff runs read-only, --where included', async () => {
      const diff = await cli(['table-diff', 'analytics.customers', 'prod', 'dev', '--where', 'customer_id > 3', '--json']);
      expect(diff.code, diff.text).toBe(0);
      expect(JSON.parse(diff.text).model).toBe('analytics.customers');
      const refused = await cli(['table-diff', 'analytics.customers', 'prod', 'dev', '--where', "nextval('analytics.counter') > 0"]);
      expect(refused.code).toBe(2);
      if (pg) {
        const imported = await cli(['table-diff', 'analytics.customers', 'prod', 'dev', '--where', "lo_import('/etc/hostname') > 0"]);
        expect(imported.code).toBe(2);
        const forged = await cli(['table-diff', 'analytics.customers', 'prod', 'dev', '--where', 'public.writes() > 0']);
        expect(forged.code).not.toBe(0);
        expect(forged.text).toMatch(/read-only transaction/);
        expect(await largeObjects()).toBe(0);
        expect(await written()).toBe(1);
      }
    });

    it('refuses --end before --start (exit 2) and changes nothing', async () => {
      const before = await w.objects();
      const r = await cli(['plan', 'dev2', '--start', '2024-01-05', '--end', '2024-01-02', '--yes']);
      expect(r.code, r.text).toBe(2);
      expect(r.text).toMatch(/--end .* is not after --start/);
      expect(await w.objects()).toEqual(before);
      expect((await cli(['environments', '--json'])).text).not.toContain('dev2');
    });
  });
}
