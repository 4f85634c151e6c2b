import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { TempProject } from '../helpers/project.js';

describe('planner CLI on the demo project', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('plans and applies prod, then reports no changes, and fetchdf reads the result', () => {
    const first = planner(['plan', '--auto-apply', '-p', p.dir]);
    // Off a terminal, progress is plain lines on stderr: one per model built (and per batch), nothing else.
    const lines = first.stderr.trim().split('\n');
    expect(lines.filter((l) => / built \S+ \(\w+\) in \d+\.\d\ds$/.test(l))).toHaveLength(12);
    expect(lines.every((l) => / built | batch \d+\/\d+ /.test(l))).toBe(true);
    expect(first.stderr).not.toMatch(/error|warning/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Added');
    expect(first.stdout).toMatch(/Applied plan \w+ to prod: built 12 tables/);

    const again = planner(['plan', '-p', p.dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');

    const rows = planner(['fetchdf', 'SELECT count(*) AS n FROM analytics.customers', '--json', '-p', p.dir]);
    expect(rows.code).toBe(0);
    expect(JSON.parse(rows.stdout).rows).toEqual([{ n: 30 }]);
  });

  it('prints the plan as JSON and applies a dev change with a diff of the model', () => {
    planner(['plan', '--yes', '-p', p.dir]);
    p.edit('models/analytics/daily_revenue.sql', /SELECT/, 'SELECT\n  1 AS version_marker,');
    const dry = planner(['plan', 'dev', '--dry-run', '-p', p.dir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Directly modified');
    expect(dry.stdout).toContain('+  1 AS version_marker,');
    const json = planner(['plan', 'dev', '--auto-apply', '--json', '-p', p.dir]);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ environment: 'dev', applied: true, directlyModified: [{ name: 'analytics.daily_revenue', category: 'non-breaking' }] });
    expect(plan.builds.map((b: { model: string }) => b.model)).toEqual(['analytics.daily_revenue']);
    const dev = planner(['fetchdf', 'SELECT DISTINCT version_marker FROM analytics.daily_revenue', '--env', 'dev', '--json', '-p', p.dir]);
    expect(JSON.parse(dev.stdout).rows).toEqual([{ version_marker: 1 }]);
  });

  it('refuses to apply without a terminal unless told to, and changes nothing', () => {
    const r = planner(['plan', '-p', p.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not applied: no terminal to confirm on');
    expect(planner(['fetchdf', 'SELECT 1 FROM analytics.customers', '-p', p.dir]).code).toBe(2);
  });

  it('stops bad input with one located message, exit 2, and nothing changed', () => {
    planner(['plan', '--yes', '-p', p.dir]);
    p.edit('models/analytics/customers.sql', 'LEFT JOIN order_stats', 'LEFT JOIN JOIN order_stats');
    const r = planner(['plan', 'dev', '--yes', '-p', p.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: models\/analytics\/customers\.sql:\d+:\d+: SQL does not parse/);
    expect(r.stderr).not.toContain('    at ');
    const envs = planner(['fetchdf', "SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name LIKE '%__dev'", '--json', '-p', p.dir]);
    expect(JSON.parse(envs.stdout).rows).toEqual([{ n: 0 }]);

    const badEnv = planner(['plan', 'Dev-1;drop', '--yes', '-p', p.dir]);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain("invalid environment name 'Dev-1;drop'");
    const unknown = planner(['fetchdf', 'SELECT 1', '--env', 'nope', '-p', p.dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown environment 'nope'");
    expect(unknown.stderr).toContain('known environments: prod');
  });
});

describe('planner outside a project', () => {
  it('refuses a folder with neither a config nor models/, creating nothing', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'planner-empty-'));
    try {
      const r = planner(['environments', '-p', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is not a planner project');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates state on request and says which version it is at', () => {
    const p = new TempProject();
    try {
      const r = planner(['migrate', '--json', '-p', p.dir]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ stateSchema: 'planner_state', version: expect.any(Number) });
      expect(JSON.parse(r.stdout).version).toBe(JSON.parse(r.stdout).latest);
    } finally {
      p.remove();
    }
  });
});

describe('planner info', () => {
  it('still names the project and gateway when the server does not answer, without the password', () => {
    const p = new TempProject(undefined, ['models']);
    try {
      p.write('planner.config.ts', "export default { gateways: { team: { type: 'postgres', url: 'postgres://u:sekret-pw@127.0.0.1:5499/nope' } } };\n");
      const r = planner(['info', '-p', p.dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('gateway      team');
      expect(r.stdout).toMatch(/connection {3}failed: cannot connect to PostgreSQL at 127\.0\.0\.1:5499, database 'nope'/);
      expect(r.stdout + r.stderr).not.toContain('sekret-pw');
    } finally {
      p.remove();
    }
  });
});
