import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentLocks } from '../../src/plan/environment-lock.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

/** Locks live in the context (no module state): two applies of one environment in one process, exactly one wins. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`environment locks in one process on ${engine.name}`, () => {
    let w: EngineProject;
    beforeEach(async () => {
      w = await engine.setup();
      expect((await runCli(['plan', '--yes', '-p', w.project.dir])).code).toBe(0);
      w.project.edit('models/analytics/customers.sql', /lifetime_revenue/, 'lifetime_revenue, 1 AS marker');
    });
    afterEach(async () => w?.cleanup());

    it('two applies of one plan in one context: one applies, the other is refused before any work', async () => {
      await w.project.with(async (ctx) => {
        const plan = await ctx.plan('dev');
        const outcomes = await Promise.allSettled([ctx.apply(plan), ctx.apply(plan)]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(refused.map((r) => r.reason.code)).toEqual(['environment_locked']);
        expect(refused[0].reason.message).toMatch(/environment 'dev' is locked: .* is applying it now; nothing was done/);
        expect((await ctx.state.getEnvironment('dev'))?.planId).toBe(plan.id);
      });
      expect(await w.objects()).toContain('analytics__dev.customers view');
    });

    it('a lock set the test passes in is the one the context takes', async () => {
      const environmentLocks = new EnvironmentLocks();
      await w.project.with(
        async (ctx) => {
          const held = await environmentLocks.lock(ctx.engine, ctx.config.stateSchema, 'dev', 'held-by-test');
          try {
            await expect(ctx.apply(await ctx.plan('dev'))).rejects.toMatchObject({ code: 'environment_locked' });
            expect(await ctx.state.getEnvironment('dev')).toBeUndefined();
          } finally {
            await held.release();
          }
          await ctx.apply(await ctx.plan('dev'));
          expect(await ctx.state.getEnvironment('dev')).toBeDefined();
        },
        { environmentLocks },
      );
    });
  });
}
