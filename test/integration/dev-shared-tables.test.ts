import { describe, expect, it } from 'vitest';
import { DAILY_EVENTS, appendLanding, eachAppliedProject, type IncrementalProject } from './incremental-fixture.js';

const T0 = '2024-01-15T10:00:00Z';
const T1 = '2024-01-16T10:00:00Z';
const breaking = DAILY_EVENTS.replace('GROUP BY 1, 2', "  AND e.event_type = 'click'\nGROUP BY 1, 2");
const plusColumn = breaking.replace('  COUNT(*) AS events\n', '  COUNT(*) AS events,\n  MAX(e.user_id) AS top_user\n');

describe('two dev environments sharing a table', () => {
  let p: IncrementalProject;
  eachAppliedProject(T0, (q) => (p = q));

  it("never lets one write into the other's table, by plan or by run", async () => {
    p.put('models/analytics/daily_events.sql', breaking);
    await p.planApply(T0, 'dev_b');
    const shared = await p.planApply(T0, 'dev_a');
    expect(shared.result.built).toEqual([]);
    const totalsB = () => p.rows(T1, 'SELECT event_type, events, day_rows FROM analytics__dev_b.event_totals ORDER BY 1');
    const before = await totalsB();
    expect(before.length).toBeGreaterThan(0);

    // A day later dev_a adds a column: event_totals keeps the version dev_b also reads.
    await p.at(T1, (ctx) => appendLanding(ctx.engine, [15]));
    p.put('models/analytics/daily_events.sql', plusColumn);
    const { plan } = await p.planApply(T1, 'dev_a', { start: '2024-01-14' });
    const totalsA = plan.snapshots[plan.target['analytics.event_totals']];
    const snapshotsB = await p.at(T1, async (ctx) => (await ctx.state.getEnvironment('dev_b'))!.snapshots);
    const totalsOfB = await p.at(T1, async (ctx) => (await ctx.state.getSnapshots([snapshotsB['analytics.event_totals']])).values().next().value!);
    expect(totalsA.version).toBe(totalsOfB.version);
    expect(plan.builds).not.toContain(totalsA.id);
    expect(await totalsB()).toEqual(before);

    const ran = await p.at(T1, (ctx) => ctx.run('dev_a'));
    expect(ran.models.map((m) => m.model)).not.toContain('analytics.event_totals');
    expect(await totalsB()).toEqual(before);
  });

  it('lets environments holding the very same snapshot keep it up to date, once', async () => {
    p.put('models/analytics/daily_events.sql', breaking);
    await p.planApply(T0, 'dev_a');
    await p.planApply(T0, 'dev_b');
    await p.at(T1, (ctx) => appendLanding(ctx.engine, [15]));
    const ran = await p.at(T1, (ctx) => ctx.run('dev_a'));
    expect(ran.models.map((m) => m.model)).toContain('analytics.daily_events');
    const latest = (env: string) => p.rows(T1, `SELECT CAST(max(event_date) AS VARCHAR) AS d, count(*) AS n FROM analytics__${env}.daily_events`);
    expect((await latest('dev_b'))[0].d).toBe('2024-01-15');
    expect(await latest('dev_b')).toEqual(await latest('dev_a'));
    // dev_b finds nothing left to do: the shared table already has the day.
    const again = await p.at(T1, (ctx) => ctx.run('dev_b'));
    expect(again.models.map((m) => m.model)).not.toContain('analytics.daily_events');
  });
});
