import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { DAILY_EVENTS, eachAppliedProject, type IncrementalProject } from './incremental-fixture.js';

const T0 = '2024-01-15T10:00:00Z';

describe('a plan whose snapshot another plan recorded with another version', () => {
  let p: IncrementalProject;
  eachAppliedProject(T0, (q) => (p = q));

  it('is refused as stale, leaving prod and state as they were', async () => {
    p.put('models/analytics/daily_events.sql', DAILY_EVENTS.replace('GROUP BY 1, 2', "  AND e.event_type = 'click'\nGROUP BY 1, 2"));
    // Planned now, applied later: prod keeps its table (forward-only), under the new fingerprint.
    const prodPlan = await p.at(T0, (ctx) => ctx.plan('prod', { forwardOnly: true }));
    // Meanwhile dev records the same definition as a new version of its own.
    await p.planApply(T0, 'dev');
    const before = await p.rows(T0, `SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2`);
    const prodRecord = await p.at(T0, async (ctx) => ctx.state.getEnvironment('prod'));
    await expect(p.at(T0, (ctx) => ctx.apply(prodPlan))).rejects.toThrowError(ConflictError);
    await expect(p.at(T0, (ctx) => ctx.apply(prodPlan))).rejects.toThrowError(/plan is stale, plan again/);
    expect(await p.rows(T0, `SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2`)).toEqual(before);
    expect(await p.at(T0, async (ctx) => ctx.state.getEnvironment('prod'))).toEqual(prodRecord);
  });
});
