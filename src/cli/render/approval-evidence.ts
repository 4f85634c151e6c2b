import { auditSummaryLine, changeCountsLine, shortPlanHash } from '../../governance/evidence-summary.js';
import { NO_EVIDENCE_RECORDED } from '../../report/approval-trail.js';
import type { ApprovalEvidence } from '../../state/state-store.js';

/**
 * What an environment's plan was approved on, under its approval lines in `planner
 * environments`: the changes, then only what needs a second look (flags, failed audits,
 * versions not measured), so a clean approval stays one line.
 */
export function approvalEvidenceLines(e: ApprovalEvidence | null): string[] {
  if (!e) return [`  ${NO_EVIDENCE_RECORDED}`];
  const head = `  approved on plan file ${shortPlanHash(e.planHash)}: ${changeCountsLine(e.changes)}`;
  if (!e.from) return [`${head}; no metrics (saved without --evidence-from)`];
  const audits = e.audits.reduce((n, a) => ({ passed: n.passed + a.passed, failed: n.failed + a.failed + a.errors }), { passed: 0, failed: 0 });
  const audited = e.audits.length ? `, audits ${audits.passed} passed, ${audits.failed} failed` : ', no audits';
  const lines = [`${head}; evidence from ${e.from}: ${e.measured} ${e.measured === 1 ? 'model' : 'models'} measured, ${e.flags.length} ${e.flags.length === 1 ? 'flag' : 'flags'}${audited}`];
  for (const f of e.flags) lines.push(`    flag  ${f.model}: ${f.message}`);
  for (const a of e.audits.filter((x) => x.failed || x.errors)) lines.push(`    audit ${a.model}: ${auditSummaryLine(a)}`);
  if (e.notAsPlanned.length) lines.push(`    ${e.from} did not hold the planned version of: ${e.notAsPlanned.join(', ')}`);
  return lines;
}
