import { afterEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { TempProject } from '../helpers/project.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// Several spawned CLIs per case: minutes on a loaded machine.
describe('first steps on the command line (DuckDB)', { timeout: 300_000 }, () => {
  let p: TempProject;
  afterEach(() => p.remove());

  it('fetchdf before prod exists: plain SQL runs, a model is named as built nowhere yet (exit 2)', () => {
    p = new TempProject();
    const plain = planner(['fetchdf', 'SELECT 40 + 2 AS n', '--json', '-p', p.dir]);
    expect(plain.code).toBe(0);
    expect(json(plain).rows).toEqual([{ n: 42 }]);
    const model = planner(['fetchdf', 'SELECT count(*) FROM analytics.customers', '-p', p.dir]);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain('error: analytics.customers is a model of this project, but it is built nowhere yet: environment prod does not exist');
    expect(model.stderr).toContain('hint: `planner plan --auto-apply` builds prod');
  });

  it('plan says why a change is metadata-only; table-diff of one physical table says so; model names get a did-you-mean', () => {
    p = new TempProject();
    expect(planner(['plan', '--yes', '-p', p.dir]).code).toBe(0);
    expect(planner(['plan', 'dev', '--yes', '-p', p.dir]).code).toBe(0);

    const same = planner(['table-diff', 'analytics.customers', 'prod', 'dev', '-p', p.dir]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^analytics\.customers: prod and dev read the same physical table \S+: identical, not scanned\.$/m);
    expect(json(planner(['table-diff', 'analytics.customers', 'prod', 'dev', '--json', '-p', p.dir]))).toMatchObject({ model: 'analytics.customers', sameTable: true, identical: true });

    p.edit('models/analytics/customers.sql', 'owner analytics_team', 'owner crm_team');
    const plan = planner(['plan', 'dev', '--dry-run', '-p', p.dir]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('~ analytics.customers  metadata  (changed: owner; no data change, nothing rebuilt)');
    expect(json(planner(['plan', 'dev', '--dry-run', '--json', '-p', p.dir])).directlyModified).toEqual([{ name: 'analytics.customers', category: 'metadata', changed: ['owner'] }]);

    for (const args of [['render', 'analytics.custmers'], ['table-diff', 'analytics.custmers', 'prod', 'dev'], ['plan', 'dev', '--restate-model', 'analytics.custmers', '--dry-run']]) {
      const r = planner([...args, '-p', p.dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('did you mean analytics.customers?');
    }

    const invalidated = planner(['invalidate', 'dev', '--json', '-p', p.dir]);
    expect(json(invalidated).expiresAt).toMatch(ISO);
  });

  it('environments lists every gateway with a column naming it, or one with --gateway; times in --json are ISO-8601', () => {
    p = new TempProject();
    p.edit('planner.config.ts', "local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },", "local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },\n    other: { type: 'duckdb', path: '.planner/other.duckdb' },");
    expect(planner(['plan', '--yes', '-p', p.dir]).code).toBe(0);
    expect(planner(['plan', 'dev', '--yes', '--gateway', 'other', '-p', p.dir]).code).toBe(0);

    const all = json(planner(['environments', '--json', '-p', p.dir])).environments;
    expect(all.map((e: { name: string; gateway: string }) => [e.name, e.gateway])).toEqual([['prod', 'local'], ['dev', 'other']]);
    for (const e of all) for (const key of ['createdAt', 'lastAppliedAt']) expect(e[key]).toMatch(ISO);
    expect(json(planner(['environments', '--json', '--gateway', 'other', '-p', p.dir])).environments.map((e: { name: string }) => e.name)).toEqual(['dev']);
    const text = planner(['environments', '-p', p.dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/gateway/);
    expect(text.stdout).toMatch(/dev\s*│?\s*other/);
  });
});
