import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planner } from '../helpers/cli.js';
import { ROOT, TempProject } from '../helpers/project.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

// Each case spawns the CLI a dozen times: on a loaded machine that takes minutes, not seconds.
describe('--select / --exclude on the command line (DuckDB)', { timeout: 300_000 }, () => {
  let p: TempProject;
  afterEach(() => p.remove());

  /** The views environment dev has in the warehouse (schema-suffix layout: schema__dev). */
  const devViews = () =>
    json(planner(['fetchdf', "SELECT table_schema || '.' || table_name AS v FROM information_schema.tables WHERE table_schema LIKE '%\\_\\_dev' ESCAPE '\\' ORDER BY 1", '--json', '-p', p.dir]))
      .rows.map((r: { v: string }) => r.v.replace('__dev', ''));

  it('plan dev --select builds only the selected models and what they read, less --exclude', () => {
    p = new TempProject();
    p.edit('models/analytics/customers.sql', "owner analytics_team,", "owner analytics_team,\n  tags (crm),");
    const r = planner(['plan', 'dev', '--select', 'tag:crm', '--auto-apply', '--json', '-p', p.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const built = json(r).builds.map((b: { model: string }) => b.model).sort();
    const upstream = ['analytics.customers', 'analytics.order_totals', 'raw.customers', 'raw.order_items', 'raw.orders', 'staging.customers', 'staging.order_items', 'staging.orders'];
    expect(built).toEqual(upstream);
    expect(devViews()).toEqual(upstream);

    // Downstream with +, and --exclude in the same grammar: staging.products+ less analytics.*.
    const down = planner(['plan', 'dev', '--select', 'staging.products+', '--exclude', 'analytics.*', '--auto-apply', '--json', '-p', p.dir]);
    expect(down.code).toBe(0);
    expect(json(down).builds.map((b: { model: string }) => b.model).sort()).toEqual(['raw.products', 'staging.products']);
    expect(devViews()).toContain('staging.products');
    expect(devViews()).not.toContain('analytics.product_sales');

    // The old name still works.
    expect(planner(['plan', 'dev', '--select-model', 'analytics.product_sales', '--dry-run', '-p', p.dir]).code).toBe(0);
  });

  it('render takes selectors: every selected model under a -- name line, --json as a list; one name prints as before', () => {
    p = new TempProject();
    const one = planner(['render', 'staging.orders', '-p', p.dir]);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('-- staging.orders');
    const many = planner(['render', 'staging.*', '--exclude', 'staging.order_items', '-p', p.dir]);
    expect(many.code).toBe(0);
    const headers = many.stdout.split('\n').filter((l) => /^-- staging\.[a-z_]+$/.test(l));
    expect(headers).toEqual(['-- staging.customers', '-- staging.orders', '-- staging.products']);
    expect(many.stdout).toContain(one.stdout.trim());
    const listed = json(planner(['render', '+staging.orders', '--json', '-p', p.dir]));
    expect(listed.models.map((m: { model: string }) => m.model)).toEqual(['raw.orders', 'staging.orders']);
    expect(listed.models[1].query).toBe(one.stdout.trim());
    const none = planner(['render', 'stagin.*', '-p', p.dir]);
    expect(none.code).toBe(2);
  });

  it('a selector that matches nothing is exit 2 with a did-you-mean, on every command, and changes nothing', () => {
    p = new TempProject();
    for (const args of [
      ['plan', 'dev', '--select', 'analytics.custmers', '--auto-apply'],
      ['plan', 'dev', '--exclude', 'analytics.custmers', '--auto-apply'],
      ['test', '--select', 'analytics.custmers'],
    ]) {
      const r = planner([...args, '-p', p.dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain("'analytics.custmers' matches no model");
      expect(r.stderr).toContain('did you mean analytics.customers?');
    }
    expect(planner(['plan', '--select', 'tag:nope', '--auto-apply', '-p', p.dir]).stderr).toContain("--select 'tag:nope' matches no model");
    expect(planner(['plan', '--select', 'a;b', '--auto-apply', '-p', p.dir]).stderr).toContain("--select 'a;b' is not a selector");
    expect(planner(['environments', '--json', '-p', p.dir]).stdout).not.toContain('"dev"');

    planner(['plan', '--auto-apply', '-p', p.dir]);
    for (const args of [['audit', '--select', 'analytics.custmers'], ['run', '--select', 'analytics.custmers'], ['table-diff', 'prod', 'prod', '--select', 'analytics.custmers']]) {
      const r = planner([...args, '-p', p.dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('did you mean analytics.customers?');
    }
  });

  it('test and audit take the selectors', () => {
    p = new TempProject();
    const tests = planner(['test', '--select', '+analytics.customers', '--json', '-p', p.dir]);
    expect(tests.code).toBe(0);
    expect(json(tests).tests.map((t: { model: string }) => t.model).sort()).toEqual(['analytics.customers', 'analytics.order_totals', 'staging.orders']);
    const excluded = planner(['test', '--exclude', 'staging.*', '--json', '-p', p.dir]);
    expect(json(excluded).tests.map((t: { model: string }) => t.model)).not.toContain('staging.orders');

    planner(['plan', '--auto-apply', '-p', p.dir]);
    const audits = planner(['audit', '--select', 'raw.*', '--exclude', 'raw.orders', '--json', '-p', p.dir]);
    expect(audits.code).toBe(0);
    expect([...new Set(json(audits).results.map((r: { model: string }) => r.model))].sort()).toEqual(['raw.customers', 'raw.order_items', 'raw.products']);
  });

  it('run --select computes only the selected models', () => {
    p = new TempProject(join(ROOT, 'examples/incremental'), ['models', 'seeds', 'planner.config.ts']);
    expect(planner(['plan', '--yes', '--execution-time', '2024-03-15 09:30', '-p', p.dir]).code).toBe(0);
    const ran = planner(['run', '--select', 'analytics.daily_events', '--json', '--execution-time', '2024-03-16 00:05', '-p', p.dir]);
    expect(ran.code).toBe(0);
    expect(json(ran).models.map((m: { model: string }) => m.model)).toEqual(['analytics.daily_events']);
    const max = json(planner(['fetchdf', 'SELECT CAST(max(last_day) AS VARCHAR) AS d FROM analytics.event_summary', '--json', '-p', p.dir])).rows[0].d;
    expect(max).toBe('2024-03-14');
    const rest = planner(['run', '--select', 'analytics.daily_events+', '--json', '--execution-time', '2024-03-16 00:05', '-p', p.dir]);
    // daily_events is up to date; event_summary reads it; user_last_seen (not downstream) waits.
    expect(json(rest).models.map((m: { model: string }) => m.model)).toEqual(['analytics.event_summary']);
  });
});
