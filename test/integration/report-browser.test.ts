import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/plan.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderReport } from '../../src/report/report-html.js';
import type { Review } from '../../src/report/review.js';
import { browserAvailability, openBrowser } from '../helpers/browser.js';
import { demoDevPlan } from '../helpers/demo-plan.js';
import { ROOT, TempProject } from '../helpers/project.js';

const browser = browserAvailability();
/** Where the screenshot is kept as a test artifact; PLANNER_UPDATE_DOCS=1 also refreshes the README's copy under docs/. */
const ARTIFACTS = join(ROOT, 'test-artifacts');

describe.skipIf(!browser.available)(`the demo's dev plan report in Chromium${browser.note}`, () => {
  let p: TempProject;
  let plan: Plan;
  let review: Review;
  let file: string;
  beforeAll(async () => {
    p = new TempProject();
    ({ plan, review } = await demoDevPlan(p));
    file = p.path('plan.html');
    writeFileSync(file, await renderReport(review));
  }, 120_000);
  afterAll(() => p?.remove());

  it('shows every changed model with its category, one node per model, one edge per dependency, and finds a model by search', async () => {
    const { context, close } = await openBrowser();
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file://')) requests.push(r.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);

      const categories = await page.$$eval('article.change', (els) => els.map((e) => [e.getAttribute('data-model'), e.querySelector('.category')?.textContent]));
      expect(Object.fromEntries(categories)).toEqual({
        'analytics.customers': 'breaking',
        'analytics.order_totals': 'non-breaking',
        'analytics.daily_revenue': 'indirectly modified (non-breaking)',
      });

      // The graph against the plan itself: every model of the target, every parent link between them.
      const models = Object.keys(plan.target).sort();
      const dependencies = models.flatMap((m) => Object.keys(plan.snapshots[plan.target[m]].parents).filter((d) => d in plan.target).map((d) => `${d}->${m}`)).sort();
      const nodes = await page.$$eval('#g-models .node', (els) => els.map((e) => [e.getAttribute('data-model'), e.getAttribute('data-status')]));
      expect(nodes.map(([m]) => m).sort()).toEqual(models);
      expect(Object.fromEntries(nodes)).toMatchObject({ 'analytics.customers': 'breaking', 'analytics.order_totals': 'non-breaking', 'analytics.daily_revenue': 'indirect', 'raw.orders': 'unchanged' });
      const edges = await page.$$eval('#g-models .edge', (els) => els.map((e) => `${e.getAttribute('data-from')}->${e.getAttribute('data-to')}`));
      expect(edges.sort()).toEqual(dependencies);
      expect(await page.isVisible('#g-models')).toBe(true);

      await page.fill('#search', 'daily_rev');
      expect(await page.textContent('#search-count')).toBe('1 model');
      await page.press('#search', 'Enter');
      expect(await page.getAttribute('#g-models .node.focus', 'data-model')).toBe('analytics.daily_revenue');
      expect(await page.isVisible('#node-info')).toBe(true);

      // Dev is complete: a view of every model, only the two rebuilt ones on tables of its own.
      const own = ['analytics.customers', 'analytics.order_totals'];
      expect(await page.$$eval('#views tr[data-model]', (rows) => rows.map((r) => [r.getAttribute('data-model'), r.lastElementChild?.textContent]))).toEqual(
        [...plan.views].sort().map((m) => [m, own.includes(m) ? 'own table' : 'shared with prod']),
      );
      expect(plan.views).toHaveLength(12);
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.fill('#search', '');
      await page.click('#zoom-fit');
      const shot = join(ARTIFACTS, 'plan-report.png');
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.PLANNER_UPDATE_DOCS === '1') {
        copyFileSync(shot, join(ROOT, 'docs/plan-report.png'));
        writeFileSync(join(ROOT, 'docs/plan-summary.md'), renderMarkdown(review));
      }
    } finally {
      await close();
    }
  }, 120_000);
});
