import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Context } from '../../src/context.js';
import { stableStringify } from '../../src/util/stable-json.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';
import { ROOT } from '../helpers/project.js';
import { rawSql } from '../helpers/raw-sql.js';

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

/** Issue #15: `planner run` decides what is due from the snapshots' heads, and loads only what it runs. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`a run's snapshot loads on ${engine.name}`, () => {
    let w: EngineProject;
    const at = (time: string) => ({ executionTime: () => new Date(time) });
    beforeEach(async () => {
      w = await engine.setup(join(ROOT, 'examples/incremental'), ['models', 'seeds', 'planner.config.ts']);
      const applied = await runCli(['plan', '--yes', '--execution-time', '2024-03-15 09:30', '-p', w.project.dir]);
      expect(applied.code, applied.text).toBe(0);
    });
    afterEach(async () => w?.cleanup());

    it('reads no stored definition when nothing is due, for a run and a plan, not even a payload column', async () => {
      // Payloads no command could parse: a run that read one would fail.
      const pg = engine.name.startsWith('PostgreSQL');
      await rawSql(w, pg, `UPDATE planner_state.snapshots SET payload = 'not json'`);
      const intervals = await w.sql('SELECT name, start_ms, end_ms FROM planner_state.intervals ORDER BY name, start_ms');
      await w.project.with(async (ctx) => {
        const { value: result, calls } = await payloadReads(ctx, () => ctx.run('prod'));
        expect(result.models).toEqual([]);
        expect(calls).toEqual([]);
        const plan = await ctx.plan('prod');
        expect(plan.builds).toEqual([]);
      }, at('2024-03-15 23:59'));
      expect(await w.sql('SELECT name, start_ms, end_ms FROM planner_state.intervals ORDER BY name, start_ms')).toEqual(intervals);
    });

    it('loads, in one batch, the models that run and the models above them, and computes the due day', async () => {
      await w.project.with(async (ctx) => {
        const prod = (await ctx.state.getEnvironment('prod'))!;
        const { value: result, calls } = await payloadReads(ctx, () => ctx.run('prod'));
        const day15 = [{ start: Date.parse('2024-03-15T00:00:00Z'), end: Date.parse('2024-03-16T00:00:00Z') }];
        expect(result.models.map((m) => [m.model, m.intervals])).toEqual([
          ['analytics.daily_events', day15],
          ['analytics.user_last_seen', day15],
          ['analytics.event_summary', day15],
        ]);
        expect(calls).toHaveLength(1);
        // event_summary reads both, and they read raw.events: every model of the example.
        expect([...calls[0]].sort()).toEqual(Object.values(prod.snapshots).sort());
      }, at('2024-03-16 00:05'));
      expect((await w.sql('SELECT count(DISTINCT event_date) AS n FROM analytics.daily_events')).map((r) => Number(r.n))).toEqual([15]);
    });
  });
}
