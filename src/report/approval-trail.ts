import { auditLine } from '../governance/evidence-audits.js';
import { auditSummaryLine } from '../governance/evidence-summary.js';
import type { PlanEvidence } from '../governance/evidence.js';
import type { ApprovalEvidence, EnvironmentRecord, StateReader } from '../state/state-store.js';

/** One approval of a plan, as the reports show it. */
export interface ReviewApproval {
  by: string;
  /** Epoch ms. */
  at: number;
  comment: string | null;
}

/** What a reviewer approved a plan on, reduced to what moved: flags, audits, and versions not measured. */
export interface ReviewEvidence {
  from: string | null;
  /** The plan file's checksum, for evidence read back from an approval. */
  planHash?: string;
  /** How many models the plan changes, by kind of change. */
  changes: ApprovalEvidence['changes'];
  /** Models whose metrics were measured. */
  measured: number;
  flags: { model: string; message: string }[];
  audits: { model: string; text: string; failed: boolean }[];
  notAsPlanned: string[];
}

/** Who wrote a plan, who approved it, when and why, and its evidence where the review has the file. */
export interface ReviewTrail {
  environment: string;
  planId: string;
  author: string | null;
  approvals: ReviewApproval[];
  evidence: ReviewEvidence | null;
  /** From state: approved before state kept the evidence with the approval (migration 6), so none is shown. */
  noEvidenceRecorded?: boolean;
}

/** A saved plan's trail as it is saved: its author and evidence, approved by nobody yet. */
export function savedPlanTrail(environment: string, planId: string, author: string | null, evidence: PlanEvidence | null): ReviewTrail {
  return { environment, planId, author, approvals: [], evidence: evidence ? evidenceSummary(evidence) : null };
}

/**
 * The trail of the plan each environment is at, from state (approvals of plans saved with
 * `--out` and approved with `planner approve`); environments at an unapproved plan have none.
 * State keeps who approved and the evidence summary recorded then, not the file.
 */
export async function environmentTrails(state: StateReader, envs: readonly EnvironmentRecord[]): Promise<ReviewTrail[]> {
  const out: ReviewTrail[] = [];
  for (const env of envs) {
    const approvals = (await state.listApprovals({ environment: env.name })).filter((a) => a.planId === env.planId);
    if (!approvals.length) continue;
    const summary = await approvedEvidence(state, approvals);
    out.push({
      environment: env.name,
      planId: env.planId,
      author: approvals[0].author,
      approvals: approvals.map((a) => ({ by: a.approvedBy, at: a.approvedAt, comment: a.comment })),
      evidence: summary ? recordedSummary(summary) : null,
      ...(summary ? {} : { noEvidenceRecorded: true }),
    });
  }
  return out;
}

/** The evidence summary of the latest approval that has one (approvals of one plan id may be of several files). */
export async function approvedEvidence(state: StateReader, approvals: readonly { planHash: string }[]): Promise<ApprovalEvidence | null> {
  const recorded = await state.getApprovalEvidence([...new Set(approvals.map((a) => a.planHash))]);
  const latest = [...approvals].reverse().find((a) => recorded.has(a.planHash));
  return latest ? recorded.get(latest.planHash)! : null;
}

function recordedSummary(e: ApprovalEvidence): ReviewEvidence {
  return {
    from: e.from,
    planHash: e.planHash,
    changes: e.changes,
    measured: e.measured,
    flags: e.flags.map((f) => ({ model: f.model, message: f.message })),
    audits: e.audits.map((a) => ({ model: a.model, text: auditSummaryLine(a), failed: a.failed > 0 || a.errors > 0 })),
    notAsPlanned: e.notAsPlanned,
  };
}

function evidenceSummary(e: PlanEvidence): ReviewEvidence {
  const count = (change: PlanEvidence['changes'][number]['change']) => e.changes.filter((c) => c.change === change).length;
  return {
    from: e.from,
    changes: { directlyModified: count('directly modified'), indirectlyModified: count('indirectly modified'), added: count('added'), removed: count('removed') },
    measured: e.validation?.models.length ?? 0,
    flags: (e.validation?.models ?? []).flatMap((m) => m.flags.map((f) => ({ model: m.model, message: f.message }))),
    audits: (e.audits ?? []).map((a) => ({ model: a.model, text: auditLine(a), failed: a.failed > 0 || a.errors > 0 })),
    notAsPlanned: e.notAsPlanned,
  };
}

/** What the reports and `planner environments` say of an approval recorded before state kept evidence with it. */
export const NO_EVIDENCE_RECORDED = 'no evidence summary recorded (approved before state kept one)';

/** `2026-11-30 15:40 UTC`: reports are read later and elsewhere, so no relative times. */
export function trailTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
