import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`approvals with evidence on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '-p', e.project.dir]);
    const prodPlanId = async () => (await e.sql(`SELECT plan_id FROM planner_state.environments WHERE name = 'prod'`))[0]?.plan_id;
    const approvals = () => e.sql('SELECT plan_hash, plan_id, environment, author, approved_by, comment FROM planner_state.approvals ORDER BY approved_by');
    const requireApproval = (extra = '') => e.project.edit('planner.config.ts', 'prod: { protected: true }', `prod: { protected: true, requireApproval: true${extra} }`);

    beforeEach(async () => {
      e = await engine.setup();
      await e.project.planAndApply('prod');
    });
    afterEach(() => e.cleanup());

    it('saves evidence, refuses an unapproved or self-approved plan (exit 1), and applies it once a second person approved it', async () => {
      requireApproval();
      breakOrderTotals(e.project);
      expect((await cli('plan', 'dev_x', '--auto-apply', '--skip-tests')).code).toBe(0);
      const file = e.project.path('prod.json');
      const saved = await cli('plan', 'prod', '--out', file, '--author', 'alice', '--from', 'dev_x', '--skip-tests');
      expect(saved.code).toBe(0);
      expect(saved.text).toContain('Evidence for prod');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      expect(json.author).toBe('alice');
      expect(json.evidence.from).toBe('dev_x');
      expect(json.evidence.changes).toContainEqual({ model: 'analytics.order_totals', change: 'directly modified', category: 'breaking' });
      const validated = json.evidence.validation.models.find((m: { model: string }) => m.model === 'analytics.order_totals');
      expect([validated.metrics.rows, validated.baseline.metrics.rows]).toEqual([74, 80]);
      expect(json.evidence.notAsPlanned).toEqual([]);
      // Audits of every changed model, the indirectly modified ones too.
      expect(json.evidence.audits.map((a: { model: string }) => a.model)).toEqual(['analytics.customers', 'analytics.daily_revenue', 'analytics.order_totals']);
      expect(json.evidence.audits).toContainEqual({ model: 'analytics.order_totals', passed: 3, failed: 0, skipped: 0, errors: 0, failures: [] });
      expect(saved.text).toContain('analytics.order_totals  3 passed, 0 failed');
      expect(json.evidence.diffs).toContainEqual({ model: 'analytics.order_totals', status: 'diffed', rows: { from: 74, baseline: 80, onlyInFrom: 0, onlyInBaseline: 6, different: 0 } });
      const before = await prodPlanId();

      const direct = await cli('plan', 'prod', '--auto-apply', '--skip-tests');
      expect(direct.code).toBe(1);
      expect(direct.text).toContain("environment 'prod' requires an approved plan; nothing was applied");
      const unapproved = await cli('apply', file);
      expect(unapproved.code).toBe(1);
      expect(unapproved.text).toMatch(/plan \S+ is not approved; environment 'prod' requires approval; nothing was applied/);
      const self = await cli('approve', file, '--by', 'alice');
      expect(self.code).toBe(1);
      expect(self.text).toContain("alice wrote plan");
      expect(self.text).toContain("cannot approve it: environment 'prod' needs a second person");
      expect(await approvals()).toEqual([]);
      expect(await prodPlanId()).toBe(before);

      const approved = await cli('approve', file, '--by', 'bob', '--comment', 'cancelled orders left out on purpose');
      expect(approved.code).toBe(0);
      expect(approved.text).toContain(`approved by bob: cancelled orders left out on purpose`);
      expect(await approvals()).toEqual([{ plan_hash: json.checksum, plan_id: json.plan.id, environment: 'prod', author: 'alice', approved_by: 'bob', comment: 'cancelled orders left out on purpose' }]);

      // The approval is of this file: an edited copy (even of its evidence) is another plan.
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('"author": "alice"', '"author": "mallory"'));
      expect((await cli('apply', file)).code).toBe(2);
      writeFileSync(file, original);

      const applied = await cli('apply', file);
      expect(applied.code).toBe(0);
      expect(applied.text).toContain('Approved by bob.');
      expect(await prodPlanId()).toBe(json.plan.id);
      // The trail: environments names who approved the plan each environment is at.
      const listed = await cli('environments', '--json');
      const prod = JSON.parse(listed.text).environments.find((x: { name: string }) => x.name === 'prod');
      expect(prod.approvedBy).toEqual([{ by: 'bob', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), author: 'alice', comment: 'cancelled orders left out on purpose' }]);
      expect(JSON.parse(listed.text).environments.find((x: { name: string }) => x.name === 'dev_x').approvedBy).toEqual([]);
      expect((await cli('environments')).text).toMatch(new RegExp(`prod: plan ${json.plan.id} \\(by alice\\) approved by bob .*: cancelled orders left out on purpose`));
      expect((await e.sql(`SELECT count(*) AS n FROM analytics.order_totals`)).map((r) => Number(r.n))).toEqual([74]);
    });

    it("runs the changed models' audits on the evidence environment's tables and counts the failures in the plan file and the approval summary", async () => {
      requireApproval();
      breakOrderTotals(e.project);
      expect((await cli('plan', 'dev_x', '--auto-apply', '--skip-tests')).code).toBe(0);
      const id = (await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'dev_x'`)).map((r) => JSON.parse(String(r.payload)).snapshots['analytics.order_totals'])[0];
      const { physical } = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.snapshots WHERE id = '${id}'`))[0].payload));
      // Bad rows in the table dev_x built: a NULL customer and a negative revenue.
      await e.sql(`INSERT INTO ${physical.schema}.${physical.table} (order_id, customer_id, order_date, status, item_count, units, revenue) VALUES (9001, NULL, DATE '2024-03-01', 'placed', 1, 1, -5)`);
      const file = e.project.path('prod.json');
      const saved = await cli('plan', 'prod', '--out', file, '--author', 'alice', '--evidence-from', 'dev_x', '--skip-tests');
      expect(saved.code, saved.text).toBe(0);
      const audits = JSON.parse(readFileSync(file, 'utf8')).evidence.audits;
      expect(audits).toContainEqual(
        {
          model: 'analytics.order_totals',
          passed: 1,
          failed: 2,
          skipped: 0,
          errors: 0,
          failures: [
            { audit: 'not_null(columns := [order_id, customer_id, order_date])', count: 1, blocking: true },
            { audit: 'accepted_range(column := revenue, min_v := 0)', count: 1, blocking: true },
          ],
        },
      );
      const approved = await cli('approve', file, '--by', 'bob');
      expect(approved.code).toBe(0);
      expect(approved.text).toContain('analytics.order_totals  1 passed, 2 failed (not_null(columns := [order_id, customer_id, order_date]): 1 row; accepted_range(column := revenue, min_v := 0): 1 row)');
      // State keeps the counts and the failed audits' names with the approval, not their rows.
      const [kept] = await e.sql('SELECT summary FROM planner_state.approval_evidence');
      expect(JSON.parse(String(kept.summary)).audits).toContainEqual({
        model: 'analytics.order_totals',
        passed: 1,
        failed: 2,
        errors: 0,
        failedAudits: ['not_null(columns := [order_id, customer_id, order_date])', 'accepted_range(column := revenue, min_v := 0)'],
      });
    });

    it('refuses to approve or apply a plan whose environment changed since; the author comes from PLANNER_USER; allowSelfApproval lets the author approve', async () => {
      requireApproval(', allowSelfApproval: true');
      breakOrderTotals(e.project);
      const first = e.project.path('first.json');
      const second = e.project.path('second.json');
      const previous = process.env.PLANNER_USER;
      process.env.PLANNER_USER = 'carol';
      try {
        expect((await cli('plan', 'prod', '--out', first, '--skip-tests')).code).toBe(0);
        expect((await cli('plan', 'prod', '--out', second, '--skip-tests')).code).toBe(0);
        expect(JSON.parse(readFileSync(first, 'utf8')).author).toBe('carol');
        expect((await cli('approve', first)).code).toBe(0);
        expect((await cli('approve', second)).code).toBe(0);
      } finally {
        if (previous === undefined) delete process.env.PLANNER_USER;
        else process.env.PLANNER_USER = previous;
      }
      expect((await approvals()).map((a) => a.approved_by)).toEqual(['carol', 'carol']);
      expect((await cli('apply', second)).code).toBe(0);
      const after = await prodPlanId();

      const stale = await cli('apply', first);
      expect(stale.code).toBe(1);
      expect(stale.text).toMatch(/plan is stale, plan again/);
      const lateApproval = await cli('approve', first, '--by', 'dave');
      expect(lateApproval.code).toBe(1);
      expect(lateApproval.text).toMatch(/changed since plan \S+ was made; plan is stale and was not approved/);
      expect(await approvals()).toHaveLength(2);
      expect(await prodPlanId()).toBe(after);
    });
  });
}
