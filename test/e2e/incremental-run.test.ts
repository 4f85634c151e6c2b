import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { ROOT, TempProject } from '../helpers/project.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('planner run on the incremental example', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject(join(ROOT, 'examples/incremental'), ['models', 'seeds', 'planner.config.ts']);
  });
  afterEach(() => p.remove());

  const count = (sql: string) => json(planner(['fetchdf', sql, '--json', '-p', p.dir])).rows[0].n;

  it('backfills to the last complete day, runs nothing until a day is due, then exactly that day', () => {
    const first = planner(['plan', '--yes', '--json', '--execution-time', '2024-03-15 09:30', '-p', p.dir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const daily = json(first).builds.find((b: { model: string }) => b.model === 'analytics.daily_events');
    expect(daily).toMatchObject({ batches: 2, intervals: [{ start: '2024-03-01T00:00:00.000Z', end: '2024-03-15T00:00:00.000Z' }] });
    expect(count('SELECT count(DISTINCT event_date) AS n FROM analytics.daily_events')).toBe(14);

    const idle = planner(['run', '--execution-time', '2024-03-15 23:59', '-p', p.dir]);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toContain('Nothing to run: every model of prod is up to date as of 2024-03-15 23:59 UTC.');

    const ran = planner(['run', '--json', '--execution-time', '2024-03-16 00:05', '-p', p.dir]);
    expect(ran.code).toBe(0);
    const models = json(ran).models.map((m: { model: string; intervals: unknown[] }) => [m.model, m.intervals]);
    const day15 = [{ start: '2024-03-15T00:00:00.000Z', end: '2024-03-16T00:00:00.000Z' }];
    expect(models).toEqual([
      ['analytics.daily_events', day15],
      ['analytics.user_last_seen', day15],
      ['analytics.event_summary', day15],
    ]);
    expect(count('SELECT count(DISTINCT event_date) AS n FROM analytics.daily_events')).toBe(15);
    expect(count(`SELECT max(last_day) = DATE '2024-03-15' AS n FROM analytics.event_summary`)).toBe(true);

    const text = planner(['run', '--execution-time', '2024-03-18', '-p', p.dir]);
    expect(text.stdout).toContain('analytics.daily_events  [2024-03-16, 2024-03-18) in 1 batch');
  });

  it('refuses bad input with exit 2 and changes nothing', () => {
    expect(planner(['plan', '--yes', '--execution-time', '2024-03-15', '-p', p.dir]).code).toBe(0);
    const bad = planner(['run', '--execution-time', 'tomorrow', '-p', p.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--execution-time 'tomorrow' is not a date");
    const unknown = planner(['run', 'nowhere', '-p', p.dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown environment 'nowhere'");
    const prodRange = planner(['plan', '--yes', '--start', '2024-03-02', '--execution-time', '2024-03-16', '-p', p.dir]);
    expect(prodRange.code).toBe(2);
    expect(prodRange.stderr).toContain('--start/--end limit a backfill outside prod');
    const restateSeed = planner(['plan', '--yes', '--restate-model', 'raw.events', '--execution-time', '2024-03-16', '-p', p.dir]);
    expect(restateSeed.code).toBe(2);
    expect(restateSeed.stderr).toContain('raw.events is a SEED model');
    // A restatement of prod is not applied without a confirmation (no terminal here, no --yes).
    const unconfirmed = planner(['plan', '--restate-model', 'analytics.daily_events', '--start', '2024-03-02', '--end', '2024-03-03', '--execution-time', '2024-03-16', '-p', p.dir]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toContain('restate [2024-03-02, 2024-03-04)');
    expect(count('SELECT count(DISTINCT event_date) AS n FROM analytics.daily_events')).toBe(14);
  });
});
