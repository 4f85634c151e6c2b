import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { releaseAwaitingApproval } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';
import { snapshotsBeforeHeads } from '../helpers/old-state.js';
import { rawSql } from '../helpers/raw-sql.js';
import { LATEST_STATE_VERSION } from '../../src/state/migrations/index.js';
import { shortPlanHash } from '../../src/governance/evidence-summary.js';

const server = await postgresServer();

/** #18: state keeps what an approval was given on (migration 6), and the environment's trail shows it. */
for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`the evidence summary kept with an approval on ${engine.name}`, () => {
    let e: EngineProject;
    const pg = engine.name.startsWith('PostgreSQL');
    const cli = (...args: string[]) => runCli([...args, '-p', e.project.dir]);
    const summaries = async () => (await e.sql('SELECT plan_hash, plan_id, summary FROM planner_state.approval_evidence')).map((r) => ({ plan_hash: r.plan_hash, plan_id: r.plan_id, summary: JSON.parse(String(r.summary)) }));
    const prodListed = async () => JSON.parse((await cli('environments', '--json')).text).environments.find((x: { name: string }) => x.name === 'prod');
    let file: string;
    let saved: { checksum: string; plan: { id: string } };

    beforeEach(async () => {
      e = await releaseAwaitingApproval(engine);
      file = e.project.path('release.json');
      const out = await cli('plan', 'prod', '--out', file, '--author', 'alice', '--evidence-from', 'dev_x', '--skip-tests');
      expect(out.code, out.text).toBe(0);
      saved = JSON.parse(readFileSync(file, 'utf8'));
    });
    afterEach(() => e.cleanup());

    it('records a compact summary at approval and shows it in environments (text and --json) and the markdown report', async () => {
      const approved = await cli('approve', file, '--by', 'bob', '--comment', 'cancelled orders left out on purpose');
      expect(approved.code, approved.text).toBe(0);
      const [row] = await summaries();
      expect(row.plan_hash).toBe(saved.checksum);
      expect(row.plan_id).toBe(saved.plan.id);
      expect(row.summary).toMatchObject({
        planId: saved.plan.id,
        planHash: saved.checksum,
        from: 'dev_x',
        changes: { directlyModified: 1, indirectlyModified: 2, added: 0, removed: 0 },
        measured: 3,
        notAsPlanned: [],
      });
      expect(row.summary.flags).toEqual([{ model: 'analytics.order_totals', metric: 'rows', prod: 80, env: 74, threshold: 5, message: 'row count 80 -> 74 (7.5%, threshold 5%)' }]);
      expect(row.summary.audits).toContainEqual({ model: 'analytics.order_totals', passed: 3, failed: 0, errors: 0, failedAudits: [] });
      // Counts and measures only: no SQL of the diffs, no data diffs, a few hundred bytes.
      const text = (await e.sql('SELECT summary FROM planner_state.approval_evidence'))[0].summary as string;
      expect(text).not.toMatch(/SELECT|cancelled|diffs/i);
      expect(text.length).toBeLessThan(1500);
      // A second approver of the same file keeps the one summary.
      expect((await cli('approve', file, '--by', 'carol')).code).toBe(0);
      expect(await summaries()).toHaveLength(1);

      expect((await cli('apply', file)).code).toBe(0);
      const prod = await prodListed();
      expect(prod.approvedBy.map((a: { by: string }) => a.by)).toEqual(['bob', 'carol']);
      expect(prod.approvalEvidence).toEqual(row.summary);
      const listed = await cli('environments');
      expect(listed.text).toContain(
        `  approved on plan file ${shortPlanHash(saved.checksum)}: 1 directly modified, 2 indirectly modified; evidence from dev_x: 3 models measured, 1 flag, audits 7 passed, 0 failed`,
      );
      expect(listed.text).toContain('    flag  analytics.order_totals: row count 80 -> 74 (7.5%, threshold 5%)');

      const report = await cli('diff', 'prod', 'dev_x', '--format', 'markdown', '--report', e.project.path('prod.html'));
      expect(report.code, report.text).toBe(0);
      expect(report.text).toContain(`Changes: 1 directly modified, 2 indirectly modified (approved plan file \`${shortPlanHash(saved.checksum)}\`).`);
      expect(report.text).toContain('Evidence from `dev_x`: 3 models measured, 1 flag.');
      expect(report.text).toContain('- ⚠ `analytics.order_totals`: row count 80 -> 74 (7.5%, threshold 5%)');
      expect(report.text).toContain('| `analytics.order_totals` | 3 passed, 0 failed |');
      const html = readFileSync(e.project.path('prod.html'), 'utf8');
      expect(html).toContain(`<p class="changes">Changes: 1 directly modified, 2 indirectly modified (approved plan file <code>${shortPlanHash(saved.checksum)}</code>).</p><p class="evidence">Evidence from <code>dev_x</code>: 3 models measured, 1 flag.</p>`);
      expect(html).toContain('<li class="flag" data-model="analytics.order_totals"><code>analytics.order_totals</code>: row count 80 -&#62; 74 (7.5%, threshold 5%)</li>');
    });

    it('upgrades a state left at migration 5 with an approval: it reads as "no evidence summary recorded", and verifies clean', async () => {
      expect((await cli('approve', file, '--by', 'bob')).code).toBe(0);
      expect((await cli('apply', file)).code).toBe(0);
      // What planner at state version 5 leaves: migrations never change, so versions 1-5
      // have exactly these tables, and its approval row is the one written above.
      await snapshotsBeforeHeads((q) => rawSql(e, pg, q));
      await rawSql(e, pg, 'DROP TABLE planner_state.approval_evidence');
      await rawSql(e, pg, 'DELETE FROM planner_state.schema_version WHERE version = 6');
      expect((await rawSql(e, pg, 'SELECT max(version) AS v FROM planner_state.schema_version')).map((r) => Number(r.v))).toEqual([5]);

      const listed = await cli('environments');
      expect(listed.code, listed.text).toBe(0);
      expect(listed.text).toMatch(new RegExp(`prod: plan ${saved.plan.id} \\(by alice\\) approved by bob .*\\n  no evidence summary recorded \\(approved before state kept one\\)`));
      const prod = await prodListed();
      expect(prod.approvedBy.map((a: { by: string }) => a.by)).toEqual(['bob']);
      expect(prod.approvalEvidence).toBeNull();
      expect((await rawSql(e, pg, 'SELECT max(version) AS v FROM planner_state.schema_version')).map((r) => Number(r.v))).toEqual([LATEST_STATE_VERSION]);
      expect(await summaries()).toEqual([]);
      const verify = await cli('verify', '--json');
      expect(JSON.parse(verify.text).problems).toEqual([]);
      const report = await cli('diff', 'prod', 'dev_x', '--format', 'markdown', '--report', e.project.path('prod.html'));
      expect(report.code, report.text).toBe(0);
      expect(readFileSync(e.project.path('prod.html'), 'utf8')).toContain('<p class="evidence none muted">Evidence: no evidence summary recorded (approved before state kept one).</p>');
      expect(report.text).toContain(`**Plan \`${saved.plan.id}\` for \`prod\`** written by alice; approved by:`);
      expect(report.text).toContain('Evidence: no evidence summary recorded (approved before state kept one).');
    });
  });
}
