import type { Plan } from '../../src/plan/plan.js';
import { planReview } from '../../src/report/gather-review.js';
import type { Review } from '../../src/report/review.js';
import type { TempProject } from './project.js';

/**
 * The README's session: prod built from the demo, then a non-breaking change to
 * analytics.order_totals (a new column) and a breaking one to analytics.customers
 * (pending orders count), planned for dev and not applied.
 */
export async function demoDevPlan(p: TempProject): Promise<{ plan: Plan; review: Review }> {
  await p.planAndApply('prod');
  p.edit('models/analytics/order_totals.sql', /\nFROM staging\.orders AS o/, ",\n  COUNT(DISTINCT i.product_id) AS distinct_products\nFROM staging.orders AS o");
  p.edit('models/analytics/customers.sql', "status = 'completed' THEN revenue", "status IN ('completed', 'pending') THEN revenue");
  return p.with(async (ctx) => {
    const plan = await ctx.plan('dev');
    return { plan, review: await planReview(ctx.state, plan) };
  });
}
