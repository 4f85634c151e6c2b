import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JanitorReport } from '../../src/lifecycle/janitor.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

/** Team guarantee: the janitor never races an apply; expiry and built_at follow the wall clock. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`janitor against applies on ${engine.name}`, () => {
    let w: EngineProject;
    const cli = (args: string[]) => runCli([...args, '-p', w.project.dir]);
    beforeEach(async () => {
      w = await engine.setup();
      expect((await cli(['plan', '--yes'])).code).toBe(0);
    });
    afterEach(async () => w?.cleanup());

    it('skips collecting tables while an apply is building, and the apply records what it built', async () => {
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 1 AS marker');
      let janitor: Promise<JanitorReport> | undefined;
      // The janitor starts the moment the build does: its new snapshot is in no environment yet.
      const ctx = await w.project.open({ reporter: { buildStarted: () => void (janitor ??= ctx.janitor({ ignoreTtl: true })) } });
      try {
        await ctx.apply(await ctx.plan('dev3'));
        const report = await janitor!;
        expect(report.failures.map((f) => f.object)).toEqual(['unused tables']);
        expect(report.tables).toEqual([]);
      } finally {
        await ctx.close();
      }
      const verify = await cli(['verify']);
      expect(verify.code, verify.text).toBe(0);
      expect(await w.objects()).toContain('analytics__dev3.customers view');
    });

    it('never makes a new environment expired on creation with --execution-time', async () => {
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 2 AS marker');
      expect((await cli(['plan', 'dev_old', '--yes', '--execution-time', '2024-02-01'])).code).toBe(0);
      const r = await cli(['fetchdf', 'SELECT count(*) AS n FROM analytics.customers', '--env', 'dev_old']);
      expect(r.code, r.text).toBe(0);
      const [row] = await w.sql(`SELECT max(built_at) AS b FROM planner_state.physical_tables`);
      expect(Number(row.b)).toBeGreaterThan(Date.UTC(2025, 0, 1));
    });
  });
}
