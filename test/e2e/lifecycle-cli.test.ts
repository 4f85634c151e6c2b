import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { TempProject } from '../helpers/project.js';

describe('lifecycle commands through the compiled CLI', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());
  const run = (...args: string[]) => planner([...args, '-p', p.dir]);

  it('diffs, lists, invalidates, cleans up and verifies environments', () => {
    expect(run('plan', '--yes').code).toBe(0);
    breakOrderTotals(p);
    // A lean dev (only what it changes): the counts below follow from it.
    expect(run('plan', 'dev', '--yes', '--changed-only').code).toBe(0);

    const diff = run('diff', 'dev', 'prod', '--exit-code');
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('dev compared with prod: 1 model changed, 2 affected downstream');
    expect(diff.stdout).toContain("+WHERE o.status <> 'cancelled'");
    expect(run('diff', 'dev', '--exit-code').stdout).toContain('No differences: the local project matches dev.');

    const envs = JSON.parse(run('environments', '--json').stdout).environments;
    expect(envs.map((e: { name: string; models: number; views: number; expired: boolean }) => [e.name, e.models, e.views, e.expired])).toEqual([
      ['dev', 12, 3, false],
      ['prod', 12, 12, false],
    ]);

    const render = run('render', 'analytics.daily_revenue', '--env', 'dev');
    expect(render.code).toBe(0);
    expect(render.stdout).toMatch(/FROM "planner__analytics"\."analytics__order_totals__\w+"/);

    const invalidated = run('invalidate', 'dev', '--sync', '--ignore-ttl');
    expect(invalidated.stderr).toBe('');
    expect(invalidated.code).toBe(0);
    expect(invalidated.stdout).toContain('Environment dev expired now');
    expect(invalidated.stdout).toContain('Removed 1 expired environment: dev');
    expect(invalidated.stdout).toContain('Dropped 3 views, 3 physical tables, 1 schema');

    const verify = run('verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Checked 1 environment (prod): 12 views, 12 physical tables.');
    expect(run('environments').stdout).not.toContain('dev');
  });

  it('shows info and the graph, and exits 2 on bad input without a stack', () => {
    const info = run('info');
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/connection\s+ok/);
    expect(info.stdout).toMatch(/models\s+12/);
    const mermaid = run('dag', '--format', 'mermaid');
    expect(mermaid.stdout.startsWith('flowchart LR')).toBe(true);
    expect(mermaid.stdout).toContain('-->');

    const bad = run('invalidate', 'Dev-1;drop');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: invalid environment name 'Dev-1;drop'");
    expect(bad.stderr).not.toContain('    at ');
    const unknown = run('diff', 'nope', 'prod');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown environment 'nope'");
  });
});
