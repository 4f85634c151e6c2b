import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { LAYOUT_MODEL_NAMES, layoutProject, viewTargets } from '../helpers/layout-project.js';

const OLD_ROWS = '(1, 1, 10), (2, 1, 20), (3, 2, 5)';
const NEW_ROWS = '(1, 1, 10), (2, 1, 20), (3, 2, 5), (4, 2, 7)';

for (const engine of engineCases(await postgresServer())) {
  describe.skipIf(!engine.available)(`environments kept in step with prod on ${engine.name}`, () => {
    let env: EngineProject;
    beforeEach(async () => {
      env = await layoutProject(engine, 'environment-schema');
    });
    afterEach(() => env.cleanup());

    it('shows where dev is behind prod, catches it up without building, and refuses to put back what prod replaced', { timeout: 180_000 }, async () => {
      await env.project.planAndApply('prod');
      const bob = await env.project.planAndApply('dev__bob');
      expect(bob.plan.viewSharing).toEqual({ with: 'prod', shared: 4, own: 0 });
      expect(bob.result.built).toEqual([]);

      // Someone else's change to shop.orders reaches prod; dev__bob still reads the old tables.
      env.project.edit('models/shop/orders.sql', OLD_ROWS, NEW_ROWS);
      const moved = await env.project.planAndApply('prod');
      const behind = ['marts.order_count', 'marts.revenue', 'shop.orders'];
      const listed = await runCli(['environments', '--json', '-p', env.project.dir]);
      const bobEntry = JSON.parse(listed.text).environments.find((e: { name: string }) => e.name === 'dev__bob');
      expect(bobEntry).toMatchObject({ sharedViews: 1, ownViews: 3, layout: 'environment-schema' });
      expect(bobEntry.behindProd.map((b: { model: string; since: string }) => [b.model, b.since])).toEqual(behind.map((m) => [m, moved.plan.id]));
      const diff = await runCli(['diff', 'dev__bob', 'prod', '--json', '-p', env.project.dir]);
      expect(JSON.parse(diff.text).behindProd.dev__bob.map((b: { model: string }) => b.model)).toEqual(behind);

      // Bob's project never pulled that change: prod refuses to go back to it, and nothing changes.
      env.project.edit('models/shop/orders.sql', NEW_ROWS, OLD_ROWS);
      const before = await env.objects();
      const prodBefore = await env.project.with((ctx) => ctx.state.getEnvironment('prod'));
      const refused = await env.project.with((ctx) => ctx.plan('prod')).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as InputError).exitCode).toBe(2);
      expect((refused as InputError).message).toContain(`shop.orders: the local definition is one prod replaced in plan ${moved.plan.id}`);
      expect((refused as InputError).hint).toMatch(/pull first/);
      const cli = await runCli(['plan', '--yes', '-p', env.project.dir]);
      expect(cli.code).toBe(2);
      expect(await env.objects()).toEqual(before);
      expect(await env.project.with((ctx) => ctx.state.getEnvironment('prod'))).toEqual(prodBefore);
      const allowed = await env.project.with((ctx) => ctx.plan('prod', { allowRevert: true }));
      expect(allowed.directlyModified.map((c) => c.name)).toEqual(['shop.orders']);

      // Bob plans his environment: the models he did not change read prod's current tables again.
      const prodTables = await viewTargets(env, 'prod', 'environment-schema');
      const sync = await env.project.planAndApply('dev__bob');
      expect(sync.plan.caughtUp?.map((c) => [c.model, c.since])).toEqual(behind.map((m) => [m, moved.plan.id]));
      expect(sync.plan.directlyModified).toEqual([]);
      expect(sync.plan.builds).toEqual([]);
      expect(sync.result.built).toEqual([]);
      expect(await viewTargets(env, 'dev__bob', 'environment-schema')).toEqual(prodTables);
      expect(Object.keys(prodTables).sort()).toEqual(LAYOUT_MODEL_NAMES);
      expect(await env.project.with(async (ctx) => ctx.behindProd(await ctx.requireEnvironment('dev__bob')))).toEqual([]);
    });
  });
}
