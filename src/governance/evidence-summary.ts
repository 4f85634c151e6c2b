import type { ReadPlan } from '../plan/saved-plan.js';
import type { ApprovalEvidence } from '../state/state-store.js';
import type { MetricFlag, TableMetrics, ValidationThresholds } from './metrics.js';
import type { ModelValidation } from './validate-environment.js';

/**
 * The evidence summary `planner approve` keeps in state with the approval: counts of the
 * changes, each flagged metric with both values and its threshold, audit counts and the
 * failed audits' names. Only counts, names and measures: the SQL diffs, data diffs and
 * full metrics stay in the plan file, since state is read by every command. `redact`
 * masks the run's secrets in every free text (audit names carry their arguments).
 */
export function summarizeEvidence(saved: ReadPlan, redact: (text: string) => string): ApprovalEvidence {
  const { plan, evidence } = saved;
  const validation = evidence?.validation ?? null;
  return {
    planId: plan.id,
    planHash: saved.checksum,
    from: evidence?.from ?? null,
    changes: { directlyModified: plan.directlyModified.length, indirectlyModified: plan.indirectlyModified.length, added: plan.added.length, removed: plan.removed.length },
    measured: validation?.models.length ?? 0,
    flags: (validation?.models ?? []).flatMap((m) =>
      m.flags.map((f) => ({ model: m.model, metric: f.metric, ...(f.column ? { column: redact(f.column) } : {}), ...flagValues(m, f, validation!.thresholds), message: redact(f.message) })),
    ),
    audits: (evidence?.audits ?? []).map((a) => ({ model: a.model, passed: a.passed, failed: a.failed, errors: a.errors, failedAudits: a.failures.map((f) => redact(f.audit)) })),
    notAsPlanned: evidence?.notAsPlanned ?? [],
  };
}

/** The flagged metric's value in the plan's environment and in `from`, and the threshold it crossed (null for rules: a unique grain, a column added or gone). */
function flagValues(m: ModelValidation, f: MetricFlag, t: ValidationThresholds): { prod: number | null; env: number | null; threshold: number | null } {
  const base = m.baseline?.metrics;
  const of = (metrics: TableMetrics | undefined, pick: (x: TableMetrics) => number | null | undefined) => (metrics ? pick(metrics) ?? null : null);
  switch (f.metric) {
    case 'rows':
      return { prod: of(base, (x) => x.rows), env: m.metrics.rows, threshold: t.rowCountChangePct };
    case 'null_rate':
      return { prod: of(base, (x) => x.nullRates[f.column!]), env: m.metrics.nullRates[f.column!] ?? null, threshold: t.nullRateIncreasePct };
    case 'hash_total':
      return { prod: of(base, (x) => x.hashTotals[f.column!]), env: m.metrics.hashTotals[f.column!] ?? null, threshold: t.hashTotalChangePct };
    case 'unique_grain':
      return { prod: of(base, (x) => x.distinctKeys), env: m.metrics.distinctKeys, threshold: null };
    default:
      return { prod: null, env: null, threshold: null };
  }
}

/** `3 passed, 1 failed (not_null(columns := [email]))`. */
export function auditSummaryLine(a: ApprovalEvidence['audits'][number]): string {
  const parts = [`${a.passed} passed`, `${a.failed} failed`];
  if (a.errors) parts.push(`${a.errors} could not run`);
  return `${parts.join(', ')}${a.failedAudits.length ? ` (${a.failedAudits.join('; ')})` : ''}`;
}

/** `1 directly modified, 2 indirectly modified` (added and removed only when there are some). */
export function changeCountsLine(c: ApprovalEvidence['changes']): string {
  const parts = [`${c.directlyModified} directly modified`, `${c.indirectlyModified} indirectly modified`];
  if (c.added) parts.push(`${c.added} added`);
  if (c.removed) parts.push(`${c.removed} removed`);
  return parts.join(', ');
}

/** A plan file's checksum as the trail shows it: 12 hex digits, enough to tell files apart. */
export function shortPlanHash(planHash: string): string {
  return planHash.replace(/^sha256:/, '').slice(0, 12);
}
