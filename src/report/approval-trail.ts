import { auditLine } from '../governance/evidence-audits.js';
import type { PlanEvidence } from '../governance/evidence.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';

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
}

/** A saved plan's trail as it is saved: its author and evidence, approved by nobody yet. */
export function savedPlanTrail(environment: string, planId: string, author: string | null, evidence: PlanEvidence | null): ReviewTrail {
  return { environment, planId, author, approvals: [], evidence: evidence ? evidenceSummary(evidence) : null };
}

/**
 * The trail of the plan each environment is at, from state (approvals of plans saved with
 * `--out` and approved with `planner approve`); environments at an unapproved plan have none.
 * State keeps who approved, not the file, so these carry no evidence.
 */
export async function environmentTrails(state: StateReader, envs: readonly EnvironmentRecord[]): Promise<ReviewTrail[]> {
  const out: ReviewTrail[] = [];
  for (const env of envs) {
    const approvals = (await state.listApprovals({ environment: env.name })).filter((a) => a.planId === env.planId);
    if (!approvals.length) continue;
    out.push({ environment: env.name, planId: env.planId, author: approvals[0].author, approvals: approvals.map((a) => ({ by: a.approvedBy, at: a.approvedAt, comment: a.comment })), evidence: null });
  }
  return out;
}

function evidenceSummary(e: PlanEvidence): ReviewEvidence {
  return {
    from: e.from,
    measured: e.validation?.models.length ?? 0,
    flags: (e.validation?.models ?? []).flatMap((m) => m.flags.map((f) => ({ model: m.model, message: f.message }))),
    audits: (e.audits ?? []).map((a) => ({ model: a.model, text: auditLine(a), failed: a.failed > 0 || a.errors > 0 })),
    notAsPlanned: e.notAsPlanned,
  };
}

/** `2026-11-30 15:40 UTC`: reports are read later and elsewhere, so no relative times. */
export function trailTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
