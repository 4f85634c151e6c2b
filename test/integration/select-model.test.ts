import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/project.js';

describe('plan --select-model on DuckDB', () => {
  let p: TempProject;
  beforeEach(async () => {
    p = new TempProject();
    await p.planAndApply('prod');
  });
  afterEach(() => p.remove());

  it('takes only the selected change; other edits wait, and changes upstream still reach the children', async () => {
    // Two independent edits: a breaking one to order_totals, a non-breaking one to product_sales.
    p.edit('models/analytics/order_totals.sql', 'GROUP BY', "WHERE o.status <> 'cancelled'\nGROUP BY");
    p.edit('models/analytics/product_sales.sql', /\nFROM /, ',\n  1 AS marker\nFROM ');
    const plan = await p.with((ctx) => ctx.plan('dev', { selectModels: ['analytics.order_totals'] }));
    expect(plan.directlyModified).toEqual([{ name: 'analytics.order_totals', category: 'breaking' }]);
    expect(plan.indirectlyModified.map((c) => c.name)).toEqual(['analytics.customers', 'analytics.daily_revenue']);
    expect(plan.builds.map((id) => plan.snapshots[id].name).sort()).toEqual(['analytics.customers', 'analytics.daily_revenue', 'analytics.order_totals']);

    // Selecting nothing that changed plans nothing, however much the files differ.
    const none = await p.with((ctx) => ctx.plan('dev', { selectModels: ['staging.*'] }));
    expect(none.directlyModified).toEqual([]);
    expect(none.builds).toEqual([]);

    // Applied, dev answers with the selected change only.
    await p.with(async (ctx) => ctx.apply(await ctx.plan('dev', { selectModels: ['analytics.order_totals'] })));
    const cols = await p.with(async (ctx) => (await ctx.fetch('SELECT * FROM analytics.product_sales LIMIT 1', 'dev')).columns.map((c) => c.name));
    expect(cols).not.toContain('marker');
    await expect(p.with((ctx) => ctx.plan('dev', { selectModels: ['nope.*'] }))).rejects.toThrow(/matches no model/);
  });

  it('keeps an untouched model as stored even if fingerprints are computed differently now', async () => {
    // Simulate snapshots stored by an older planner: their payloads lack `externals`.
    await p.with(async (ctx) => {
      const rows = (await ctx.engine.query('SELECT id, payload FROM planner_state.snapshots')).rows;
      for (const r of rows) {
        const payload = JSON.parse(String(r.payload));
        delete payload.model.externals;
        payload.fingerprint.ownData = `old-${payload.fingerprint.ownData}`;
        await ctx.engine.query('UPDATE planner_state.snapshots SET payload = $1 WHERE id = $2', [JSON.stringify(payload), r.id]);
      }
    });
    p.edit('models/analytics/order_totals.sql', 'GROUP BY', "WHERE o.status <> 'cancelled'\nGROUP BY");
    const plan = await p.with((ctx) => ctx.plan('dev', { selectModels: ['analytics.order_totals'] }));
    expect(plan.directlyModified.map((c) => c.name)).toEqual(['analytics.order_totals']);
    expect(plan.indirectlyModified.map((c) => c.name)).toEqual(['analytics.customers', 'analytics.daily_revenue']);
  });

  it('refuses a selection that removes a model an unselected one still reads', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(p.path('models/analytics/order_totals.sql'));
    await expect(p.with((ctx) => ctx.plan('dev', { selectModels: ['analytics.order_totals'] }))).rejects.toThrow(
      /analytics\.(customers|daily_revenue) \(not selected\) still reads analytics\.order_totals/,
    );
  });
});
