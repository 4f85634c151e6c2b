import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browserAvailability, openBrowser } from '../helpers/browser.js';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { releaseAwaitingApproval } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();
const browser = browserAvailability();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`the approval trail in the markdown and HTML reports on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '-p', e.project.dir]);
    beforeEach(async () => {
      e = await releaseAwaitingApproval(engine);
    });
    afterEach(() => e.cleanup());

    it("shows the saved plan's author, evidence flags and audits, then the environment's approvals once approved", async () => {
      const file = e.project.path('release.json');
      const savedHtml = e.project.path('release.html');
      const saved = await cli('plan', 'prod', '--out', file, '--author', 'alice', '--evidence-from', 'dev_x', '--format', 'markdown', '--report', savedHtml, '--skip-tests');
      expect(saved.code, saved.text).toBe(0);
      const planId = JSON.parse(readFileSync(file, 'utf8')).plan.id;
      expect(saved.text).toContain(`**Plan \`${planId}\` for \`prod\`** written by alice; not approved yet.`);
      expect(saved.text).toMatch(/Evidence from `dev_x`: 3 models measured, \d+ flags?\./);
      expect(saved.text).toContain('- ⚠ `analytics.order_totals`: row count 80 -> 74');
      expect(saved.text).toContain('| `analytics.order_totals` | 3 passed, 0 failed |');

      const approved = await cli('approve', file, '--by', 'bob', '--comment', 'cancelled orders | left out on purpose');
      expect(approved.code, approved.text).toBe(0);
      expect((await cli('apply', file)).code).toBe(0);
      const approvedAt = Number((await e.sql(`SELECT approved_at FROM planner_state.approvals WHERE plan_id = '${planId}'`))[0].approved_at);
      const when = `${new Date(approvedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const envHtml = e.project.path('prod.html');
      const report = await cli('diff', 'prod', 'dev_x', '--format', 'markdown', '--report', envHtml);
      expect(report.code, report.text).toBe(0);
      expect(report.text).toContain(`**Plan \`${planId}\` for \`prod\`** written by alice; approved by:\n\n- bob, ${when}: cancelled orders \\| left out on purpose`);
      // dev_x was applied directly, so it has no trail.
      expect(report.text).not.toContain('for `dev_x`**');

      if (!browser.available) return;
      const { context, close } = await openBrowser();
      try {
        const page = await context.newPage();
        await page.goto(`file://${savedHtml}`);
        expect(await page.textContent(`#approvals article.trail[data-plan="${planId}"] .author`)).toBe('alice');
        expect(await page.isVisible('#approvals .pending')).toBe(true);
        expect(await page.textContent('#approvals li.flag[data-model="analytics.order_totals"]')).toContain('row count 80 -> 74');
        expect(await page.$$eval('#approvals table.audits tr[data-model]', (rows) => rows.map((r) => r.textContent))).toContain('analytics.order_totals3 passed, 0 failed');
        await page.goto(`file://${envHtml}`);
        const cells = await page.$$eval('#approvals article.trail[data-environment="prod"] tr.approval td', (tds) => tds.map((td) => td.textContent));
        expect(cells).toEqual(['bob', when, 'cancelled orders | left out on purpose']);
        expect(await page.isVisible('#approvals article.trail[data-environment="prod"]')).toBe(true);
      } finally {
        await close();
      }
    });
  });
}
