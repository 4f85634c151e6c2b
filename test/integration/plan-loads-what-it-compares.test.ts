import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Context } from '../../src/context.js';
import { stableStringify } from '../../src/util/stable-json.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

/** The snapshot ids each call of the state's whole-snapshot loader asked for, during `fn`. */
async function payloadReads<T>(ctx: Context, fn: () => Promise<T>): Promise<{ value: T; calls: string[][] }> {
  const spy = vi.spyOn(ctx.state, 'getSnapshots');
  try {
    const value = await fn();
    return { value, calls: spy.mock.calls.map(([ids]) => [...ids]) };
  } finally {
    spy.mockRestore();
  }
}

/** Issue #15: a plan reads the stored model definitions it compares, not every one state holds. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`a plan's snapshot loads on ${engine.name}`, () => {
    let w: EngineProject;
    beforeEach(async () => {
      w = await engine.setup();
      const applied = await runCli(['plan', '--yes', '-p', w.project.dir]);
      expect(applied.code, applied.text).toBe(0);
    });
    afterEach(async () => w?.cleanup());

    it('reads no stored definition for a plan that changes nothing, and holds the stored snapshots', async () => {
      await w.project.with(async (ctx) => {
        const { value: plan, calls } = await payloadReads(ctx, () => ctx.plan('prod'));
        expect(calls).toEqual([]);
        expect(plan.builds).toEqual([]);
        expect(plan.viewChanges).toEqual({ upsert: [], drop: [] });
        // Each snapshot the plan holds is the stored one, though made from its head and the local model.
        const stored = await ctx.state.getSnapshots(Object.values(plan.target));
        expect(stored.size).toBe(Object.keys(plan.target).length);
        for (const [id, s] of stored) expect(stableStringify(plan.snapshots[id])).toBe(stableStringify(s));
      });
    });

    it('reads, in one batch, only what a change replaces', async () => {
      w.project.edit('models/staging/orders.sql', /^SELECT/m, 'SELECT\n  1 AS marker,');
      const before = await w.sql('SELECT id FROM planner_state.snapshots ORDER BY id');
      await w.project.with(async (ctx) => {
        const prod = (await ctx.state.getEnvironment('prod'))!;
        const { value: plan, calls } = await payloadReads(ctx, () => ctx.plan('dev'));
        const changed = [...plan.directlyModified, ...plan.indirectlyModified].map((c) => c.name);
        expect(changed).toContain('staging.orders');
        expect(changed.length).toBeGreaterThan(1);
        expect(calls).toHaveLength(1);
        expect([...calls[0]].sort()).toEqual(changed.map((m) => prod.snapshots[m]).sort());
        // What the plan holds of an unchanged model is still the stored snapshot.
        const unchanged = Object.keys(plan.target).find((m) => !changed.includes(m))!;
        const [stored] = (await ctx.state.getSnapshots([prod.snapshots[unchanged]])).values();
        expect(stableStringify(plan.snapshots[plan.target[unchanged]])).toBe(stableStringify(stored));
      });
      // Planning wrote nothing.
      expect(await w.sql('SELECT id FROM planner_state.snapshots ORDER BY id')).toEqual(before);
    });
  });
}
