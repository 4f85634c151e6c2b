import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '../src/context.js';
import { planSide } from '../src/lifecycle/environment-diff.js';
import { layoutReview } from '../src/report/graph-svg.js';
import { reportHtml } from '../src/report/report-html.js';
import { buildReview } from '../src/report/review.js';
import { editModel, generateProject } from './generate-project.js';
import type { BenchRow } from './report.js';

const CHROMIUM = process.env.PLANNER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The HTML report of an N-model plan: a breaking change to one upstream model, planned
 * against the project before it (both sides planned, so no apply is needed), laid out,
 * written, and opened in Debian's Chromium. The page-open time runs from navigation to
 * the second animation frame after the load event (the graph painted).
 */
export async function benchReport(n = 2000): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'planner-bench-report-'));
  try {
    const { names } = generateProject(dir, n, { seed: 11 });
    const plan = async () => {
      const ctx = await Context.open({ projectDir: dir });
      try {
        return await ctx.plan('prod');
      } finally {
        await ctx.close();
      }
    };
    const before = await plan();
    const readers = (m: string) => Object.values(before.snapshots).filter((s) => m in s.parents).length;
    const edited = names.filter((m) => m.startsWith('s1.')).sort((a, b) => readers(b) - readers(a)).find((m) => {
      try {
        editModel(dir, m);
        return true;
      } catch {
        return false;
      }
    });
    const after = await plan();
    const review = buildReview({ kind: 'plan', title: `Plan of ${n} models`, after: planSide(after, 'prod'), before: planSide(before, 'prod'), plan: after });
    const changed = review.changes.length;

    let t = performance.now();
    const layouts = await layoutReview(review);
    const layoutSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const html = reportHtml(review, layouts);
    const renderSeconds = (performance.now() - t) / 1000;
    const file = join(dir, 'plan.html');
    writeFileSync(file, html);
    const size = `${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`;
    const rows: BenchRow[] = [
      { group: 'report', name: `HTML report of a ${n}-model plan (${edited} changed: ${changed} ${changed === 1 ? 'model differs' : 'models differ'})`, value: `layout ${layoutSeconds.toFixed(2)} s, render ${renderSeconds.toFixed(2)} s, ${size}` },
    ];
    if (!existsSync(CHROMIUM)) {
      rows.push({ group: 'report', name: 'page opens in Chromium', value: `skipped: no Chromium at ${CHROMIUM}`, target: 'under 2 s' });
      return rows;
    }
    rows.push({ group: 'report', name: `page opens in Chromium (${n} models)`, value: `${(await openSeconds(file)).toFixed(2)} s`, target: 'under 2 s' });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Best of three opens in one headless Chromium, started before the timing, with an empty profile. */
async function openSeconds(file: string): Promise<number> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'planner-bench-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args, headless: true, viewport: { width: 1280, height: 900 } });
  try {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      const t = performance.now();
      await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 120_000 });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      best = Math.min(best, (performance.now() - t) / 1000);
      await page.close();
    }
    return best;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
