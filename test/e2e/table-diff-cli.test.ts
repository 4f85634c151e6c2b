import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { planner } from '../helpers/cli.js';
import type { TempProject } from '../helpers/project.js';
import { changeOrderTotals, tableDiffProject } from '../integration/table-diff-project.js';

describe('planner table-diff', () => {
  let p: TempProject;
  const run = (...args: string[]) => planner(['table-diff', ...args, '-p', p.dir]);
  const fetch = (sql: string) => JSON.parse(planner(['fetchdf', sql, '--json', '-p', p.dir]).stdout).rows;

  beforeAll(() => {
    p = tableDiffProject();
    expect(planner(['plan', '--yes', '-p', p.dir]).code).toBe(0);
    changeOrderTotals(p);
    expect(planner(['plan', 'dev', '--yes', '-p', p.dir]).code).toBe(0);
  });
  afterAll(() => p.remove());

  it('prints the report with samples, and its counts match the data', () => {
    const [{ n: cancelled }] = fetch(`SELECT count(*) AS n FROM analytics.order_totals WHERE status = 'cancelled' AND order_id <> 3`);
    const r = run('analytics.order_totals', 'dev', 'prod', '--show-sample', '--limit', '3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('analytics.order_totals: dev vs prod  on order_id');
    expect(r.stdout).toContain('Schema  same columns and types');
    expect(r.stdout).toMatch(/only in prod +1  0\.8% of prod/);
    expect(r.stdout).toMatch(new RegExp(`different +${cancelled}  ${((cancelled / 119) * 100).toFixed(1)}%`));
    expect(r.stdout).toMatch(new RegExp(`amount +${((1 - cancelled / 119) * 100).toFixed(1)}% ≈  ${cancelled} differ`));
    expect(r.stdout).toMatch(/Only in prod  1 of 1\n +order_id +customer_id +status +amount +amount_with_tax\n +3 /);
    expect(r.stdout).toMatch(new RegExp(`Different  3 of ${cancelled}\\n +order_id +amount \\(dev\\) +amount \\(prod\\)\\n +1 +0 +3\\.25`));
  });

  it('gives the same figures as JSON, and diffs every changed model with one line each', () => {
    const json = JSON.parse(run('analytics.order_totals', 'dev', 'prod', '--json', '--where', "status <> 'pending'").stdout);
    const [{ n: kept }] = fetch(`SELECT count(*) AS n FROM analytics.order_totals WHERE status <> 'pending'`);
    expect(json.b.rows).toBe(kept);
    // Order 3 (completed) is gone from dev.
    expect(json.rows).toMatchObject({ onlyInA: 0, onlyInB: 1 });
    expect(json.rows.matched + json.rows.onlyInB).toBe(kept);
    expect(json.where).toBe("status <> 'pending'");

    const all = run('dev', 'prod');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toBe('dev vs prod: 3 models differ in version');
    expect(lines.slice(1).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['analytics.customer_totals', 'analytics.order_totals', 'analytics.statuses']);
    expect(all.stdout).toMatch(/analytics\.order_totals +1 only in prod · \d+ of 119 matched differ/);
    expect(all.stdout).toMatch(/analytics\.statuses +skipped: no grain/);
  });

  it('refuses rows when the key repeats (exit 1) and compares them when allowed', () => {
    const refused = run('analytics.order_totals', 'dev', 'prod', '--on', 'status');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/dev +3 duplicate keys on 119 rows/);
    expect(refused.stdout).toContain('Rows not compared');
    const allowed = JSON.parse(run('analytics.order_totals', 'dev', 'prod', '--on', 'status', '--allow-duplicate-keys', '--json').stdout);
    const [{ n: pairs }] = fetch(
      `SELECT sum(d.n * p.n) AS n FROM (SELECT status, count(*) AS n FROM analytics__dev.order_totals GROUP BY status) AS d ` +
        `JOIN (SELECT status, count(*) AS n FROM analytics.order_totals GROUP BY status) AS p ON d.status = p.status`,
    );
    expect(allowed.rows.matched).toBe(Number(pairs));
    expect(allowed.refused).toBeNull();
  });

  it('stops bad input with exit 2 and one message', async () => {
    const cases: [string[], RegExp][] = [
      [['analytics.order_totals', 'dev', 'prod', '--where', '1=1; DROP TABLE raw.orders'], /error: --where/],
      [['analytics.order_totals', 'dev', 'nope'], /error: unknown environment 'nope'/],
      [['analytics.order_totals', 'dev', 'prod', '--on', 'nope'], /error: key column 'nope' is not in dev's table/],
      [['analytics.statuses', 'dev', 'prod'], /error: model 'analytics.statuses' has no grain/],
      [['dev', 'prod', '--on', 'order_id'], /error: --on needs a model/],
      [['dev'], /error: table-diff takes a model and two environments/],
    ];
    // In process through the same entry point as the binary: six spawns would cost seconds.
    for (const [args, message] of cases) {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), interactive: false, confirm: async () => false };
      const code = await main(['table-diff', ...args, '-p', p.dir], io);
      expect([code, err.join('\n'), out]).toEqual([2, expect.stringMatching(message), []]);
    }
    expect(fetch('SELECT count(*) AS n FROM raw.orders')).toEqual([{ n: 120 }]);
  });
});
