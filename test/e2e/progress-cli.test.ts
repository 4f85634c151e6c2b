import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { ROOT, TempProject } from '../helpers/project.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

// The spawned CLI has no terminal: --progress=auto prints plain lines there.
describe('progress off a terminal, and timings in --json', { timeout: 300_000 }, () => {
  let p: TempProject;
  afterEach(() => p.remove());

  it('prints a line per batch and per model, none with --progress=none, and per-model seconds in --json', () => {
    p = new TempProject(join(ROOT, 'examples/incremental'), ['models', 'seeds', 'planner.config.ts']);
    const plan = planner(['plan', '--yes', '--execution-time', '2024-03-15 09:30', '-p', p.dir]);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toMatch(/^\[1\/4\] built raw\.events \(seed\) in \d+\.\d\ds$/m);
    expect(plan.stderr).toMatch(/^ {4}analytics\.daily_events {2}batch 1\/2 {2}\[2024-03-01, 2024-03-\d\d\) {2}[\d,]+ rows {2}\d+\.\d\ds$/m);
    expect(plan.stderr).toMatch(/^\[4\/4\] built /m);

    const ran = planner(['run', '--json', '--progress=plain', '--execution-time', '2024-03-16 00:05', '-p', p.dir]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toMatch(/^\[1\/3\] built analytics\.daily_events/m);
    for (const m of json(ran).models) expect(m.seconds).toBeGreaterThanOrEqual(0);

    const quiet = planner(['run', '--progress', 'none', '--execution-time', '2024-03-17 00:05', '-p', p.dir]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('Computed 3 models');
  });

  it('plan and apply --json give each build its seconds, and stderr stays quiet with --json', () => {
    p = new TempProject();
    const plan = planner(['plan', '--yes', '--json', '-p', p.dir]);
    expect(plan.code).toBe(0);
    expect(plan.stderr).toBe('');
    const builds = json(plan).builds;
    expect(builds).toHaveLength(12);
    for (const b of builds) expect(typeof b.seconds === 'number' && b.seconds >= 0).toBe(true);

    p.edit('models/analytics/daily_revenue.sql', /SELECT/, 'SELECT\n  1 AS marker,');
    expect(planner(['plan', 'dev', '--out', p.path('plan.json'), '-p', p.dir]).code).toBe(0);
    const applied = planner(['apply', p.path('plan.json'), '--json', '-p', p.dir]);
    expect(applied.code).toBe(0);
    expect(json(applied).builds).toEqual([expect.objectContaining({ model: 'analytics.daily_revenue', seconds: expect.any(Number) })]);
    expect(planner(['plan', '--progress=sometimes', '-p', p.dir]).code).toBe(2);
  });
});
