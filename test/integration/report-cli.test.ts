import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIO } from '../helpers/capture-io.js';
import { TempProject } from '../helpers/project.js';

/** `--report` and `--format markdown` on plan, diff and table-diff, through main() on the demo. */
describe('review outputs of the CLI', () => {
  let p: TempProject;
  const run = async (...args: string[]) => {
    const io = captureIO();
    const code = await main([...args, '-p', p.dir], io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };
  beforeAll(async () => {
    p = new TempProject();
    await p.planAndApply('prod');
    p.edit('models/analytics/customers.sql', "status = 'completed' THEN revenue", "status IN ('completed', 'pending') THEN revenue");
  }, 60_000);
  afterAll(() => p.remove());

  it('plan --dry-run --format markdown prints the PR summary and --report writes the page; nothing is applied', async () => {
    const r = await run('plan', 'dev', '--dry-run', '--format', 'markdown', '--report', p.path('plan.html'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^### Plan \w+ for dev/);
    expect(r.out).toContain('| `analytics.customers` | breaking |');
    expect(r.out).toContain('<details><summary>SQL diff: <code>analytics.customers</code>');
    expect(r.out).not.toContain('Directly modified');
    const html = readFileSync(p.path('plan.html'), 'utf8');
    expect(html).toContain('<article class="change s-breaking" id="m-analytics-customers"');
    expect(r.err).toContain(`Wrote the report to ${p.path('plan.html')}`);
    expect(await p.with((ctx) => ctx.state.getEnvironment('dev'))).toBeUndefined();
  }, 60_000);

  it('diff and table-diff between two environments write reports; table-diff shows the data diff', async () => {
    expect((await run('plan', 'dev', '--auto-apply')).code).toBe(0);
    const diff = await run('diff', 'dev', 'prod', '--format', 'markdown', '--report', p.path('diff.html'));
    expect(diff.code).toBe(0);
    expect(diff.out).toContain('### Environment dev compared with prod');
    expect(diff.out).toContain('| `analytics.customers` | breaking |');
    expect(existsSync(p.path('diff.html'))).toBe(true);

    const td = await run('table-diff', 'analytics.customers', 'dev', 'prod', '--show-sample', '--report', p.path('td.html'), '--format', 'markdown');
    expect(td.code).toBe(0);
    expect(td.out).toMatch(/\| `analytics\.customers` \| \d+ \/ \d+ \| \d+ \| \d+ \| \d+ \| `lifetime_revenue` \d+\.\d%/);
    const html = readFileSync(p.path('td.html'), 'utf8');
    expect(html).toContain('<article class="table-diff" id="td-m-analytics-customers" data-model="analytics.customers">');
    expect(html).toContain('<tr data-column="lifetime_revenue">');
  }, 90_000);

  it('refuses --format markdown with --json (exit 2)', async () => {
    const r = await run('plan', 'dev', '--dry-run', '--format', 'markdown', '--json');
    expect(r.code).toBe(2);
    expect(r.out).toContain('--format markdown and --json');
  });
});
