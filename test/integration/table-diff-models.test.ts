import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { diffEnvironments, diffModel } from '../../src/table-diff/diff-models.js';
import type { TempProject } from '../helpers/project.js';
import { changeOrderTotals, tableDiffProject } from './table-diff-project.js';

describe('table-diff of models between environments (DuckDB)', () => {
  let p: TempProject;
  beforeEach(async () => {
    p = tableDiffProject();
    await p.planAndApply('prod');
    changeOrderTotals(p);
    await p.planAndApply('dev');
  });
  afterEach(() => p.remove());

  it("reads each environment's physical table and matches an independent count", async () => {
    await p.with(async (ctx) => {
      const [dev, prod] = [await ctx.requireEnvironment('dev'), await ctx.requireEnvironment('prod')];
      const result = await diffModel({ engine: ctx.engine, state: ctx.state }, 'analytics.order_totals', dev, prod, { samples: true });
      const q = async (sql: string) => Number((await ctx.engine.query(sql)).rows[0].n);
      const changed = await q(`SELECT count(*) AS n FROM analytics.order_totals WHERE status = 'cancelled' AND amount <> 0 AND order_id <> 3`);
      expect(changed).toBeGreaterThan(0);
      expect(result.on).toEqual(['order_id']);
      expect(result.rows).toMatchObject({ onlyInA: 0, onlyInB: 1, different: changed, identical: result.b.rows - 1 - changed });
      expect(result.rows!.columns.find((c) => c.name === 'amount')!.different).toBe(changed);
      expect(result.samples!.onlyInB.map((r) => r.order_id)).toEqual([3]);
      expect(result.samples!.different.every((d) => d.differing.join() === 'amount' && d.a.amount === 0)).toBe(true);
      // The sides are the snapshots' physical tables, and the dev one is what the dev view shows.
      expect(result.a.table.schema).toBe('planner__analytics');
      expect(result.a.rows).toBe(await q(`SELECT count(*) AS n FROM analytics__dev.order_totals`));
    });
  });

  it('diffs every model whose version differs, skipping what cannot be diffed', async () => {
    await p.with(async (ctx) => {
      const [dev, prod] = [await ctx.requireEnvironment('dev'), await ctx.requireEnvironment('prod')];
      const entries = await diffEnvironments({ engine: ctx.engine, state: ctx.state }, dev, prod);
      const names = entries.map((e) => e.model);
      expect(names).toContain('analytics.order_totals');
      const unchanged = Object.keys(dev.snapshots).filter((n) => dev.snapshots[n] === prod.snapshots[n]);
      expect(unchanged.length).toBeGreaterThan(0);
      expect(names.some((n) => unchanged.includes(n))).toBe(false);
      const totals = entries.find((e) => e.model === 'analytics.order_totals')!;
      expect(totals.status === 'diffed' && totals.result.rows!.onlyInB).toBe(1);
    });
  });

  it('refuses a model with no grain and no --on, and names unknown models', async () => {
    p.edit('models/analytics/order_totals.sql', /\n\s*grain order_id,?/, '');
    await p.planAndApply('dev');
    await p.with(async (ctx) => {
      const [dev, prod] = [await ctx.requireEnvironment('dev'), await ctx.requireEnvironment('prod')];
      const deps = { engine: ctx.engine, state: ctx.state };
      // prod still has the grain; a model with none on either side cannot be diffed without --on.
      const noGrain = await diffModel(deps, 'analytics.order_totals', dev, { ...prod, snapshots: { ...prod.snapshots, 'analytics.order_totals': dev.snapshots['analytics.order_totals'] } }).catch((e) => e);
      expect(noGrain).toBeInstanceOf(InputError);
      expect(noGrain.message).toMatch(/has no grain/);
      const withOn = await diffModel(deps, 'analytics.order_totals', dev, prod, { on: ['order_id'] });
      expect(withOn.rows!.onlyInB).toBe(1);
      const unknown = await diffModel(deps, 'analytics.nope', dev, prod).catch((e) => e);
      expect(unknown).toBeInstanceOf(InputError);
      expect(unknown.message).toMatch(/model 'analytics.nope' is not in environment 'dev'/);
    });
  });
});
