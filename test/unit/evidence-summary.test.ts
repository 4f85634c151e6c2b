import { describe, expect, it } from 'vitest';
import type { PlanEvidence } from '../../src/governance/evidence.js';
import { summarizeEvidence } from '../../src/governance/evidence-summary.js';
import { compareMetrics, DEFAULT_THRESHOLDS, type TableMetrics } from '../../src/governance/metrics.js';
import type { ReadPlan } from '../../src/plan/saved-plan.js';
import type { Plan } from '../../src/plan/plan.js';
import { SecretRegistry } from '../../src/util/secrets.js';

const prod: TableMetrics = { rows: 100, distinctKeys: 100, nullRates: { email: 0, amount: 0 }, hashTotals: { amount: 1000 } };
const dev: TableMetrics = { rows: 80, distinctKeys: 79, nullRates: { email: 0.25, amount: 0 }, hashTotals: { amount: 2000 } };

function saved(evidence: PlanEvidence | null): ReadPlan {
  const plan = { id: 'p1', environment: 'prod', added: ['a.new'], removed: [], directlyModified: [{ name: 'a.orders' }], indirectlyModified: [{ name: 'a.x' }, { name: 'a.y' }] } as unknown as Plan;
  return { plan, gateway: 'local', options: {}, checksum: 'sha256:abc', author: 'alice', evidence };
}

describe('the evidence summary an approval keeps in state', () => {
  it("gives each flag both environments' values and its threshold, and counts the changes", () => {
    const flags = compareMetrics(dev, prod, DEFAULT_THRESHOLDS);
    const evidence = {
      environment: 'prod', changes: [], builds: 0, from: 'dev_x', notAsPlanned: [], diffs: [], flagged: ['a.orders'],
      validation: { environment: 'dev_x', against: 'prod', thresholds: DEFAULT_THRESHOLDS, models: [{ model: 'a.orders', table: 't', metrics: dev, baseline: { environment: 'prod', table: 'u', metrics: prod }, sameTable: false, flags }] },
      audits: [{ model: 'a.orders', passed: 2, failed: 1, skipped: 1, errors: 0, failures: [{ audit: "forbidden(value := 'hunter22')", count: 3, blocking: true }] }],
    } satisfies PlanEvidence;
    const s = summarizeEvidence(saved(evidence), (t) => new SecretRegistry(['hunter22']).redact(t));
    expect(s.changes).toEqual({ directlyModified: 1, indirectlyModified: 2, added: 1, removed: 0 });
    expect(s.flags.map(({ message: _, ...f }) => f)).toEqual([
      { model: 'a.orders', metric: 'unique_grain', prod: 100, env: 79, threshold: null },
      { model: 'a.orders', metric: 'rows', prod: 100, env: 80, threshold: 10 },
      { model: 'a.orders', metric: 'null_rate', column: 'email', prod: 0, env: 0.25, threshold: 5 },
      { model: 'a.orders', metric: 'hash_total', column: 'amount', prod: 1000, env: 2000, threshold: 10 },
    ]);
    // Secrets in free text (an audit's arguments) are masked before state sees them.
    expect(s.audits).toEqual([{ model: 'a.orders', passed: 2, failed: 1, errors: 0, failedAudits: ["forbidden(value := '***')"] }]);
    expect(JSON.stringify(s)).not.toContain('hunter22');
  });

  it('keeps the change counts of a file saved without evidence', () => {
    const s = summarizeEvidence(saved(null), (t) => t);
    expect(s).toEqual({ planId: 'p1', planHash: 'sha256:abc', from: null, changes: { directlyModified: 1, indirectlyModified: 2, added: 1, removed: 0 }, measured: 0, flags: [], audits: [], notAsPlanned: [] });
  });
});
