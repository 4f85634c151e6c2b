import type { EnvironmentSettings } from '../config/environment-settings.js';
import { ConflictError, PlannerError } from '../errors.js';
import type { ReadPlan } from '../plan/saved-plan.js';
import type { ApprovalEvidence, ApprovalRecord, StateStore } from '../state/state-store.js';
import { summarizeEvidence } from './evidence-summary.js';

/**
 * A plan that governance does not let through: unapproved, approved only by its author,
 * or applied without a saved plan where approval is required. A refusal (exit 1, as the
 * issue asks: the command was well formed, the policy said no); nothing was done. A plan
 * file naming no author is bad input instead (exit 2).
 */
export class ApprovalError extends PlannerError {
  constructor(message: string, opts: { hint?: string; code?: string; exitCode?: 1 | 2 } = {}) {
    super(opts.code ?? 'approval', message, { hint: opts.hint, exitCode: opts.exitCode ?? 1 });
  }
}

/** `requireApproval`: only `planner apply FILE` of an approved plan changes the environment. */
export function assertDirectApplyAllowed(settings: EnvironmentSettings): void {
  if (!settings.requireApproval) return;
  throw new ApprovalError(`environment '${settings.name}' requires an approved plan; nothing was applied`, {
    code: 'approval_required',
    hint: `save it with \`planner plan ${settings.name} --out plan.json\`, have it approved (\`planner approve plan.json\`), then \`planner apply plan.json\``,
  });
}

/**
 * Records `approver`'s approval of a saved plan, with a summary of the evidence it was
 * given on (`redact` masks the run's secrets in it). Refused when the approver wrote the
 * plan (unless `allowSelfApproval`), or when the environment moved since the plan was made
 * (an approval of a stale plan could never be applied).
 */
export async function approvePlan(
  state: StateStore,
  saved: ReadPlan,
  settings: EnvironmentSettings,
  approval: { by: string; comment?: string; at: number; redact?: (text: string) => string },
): Promise<ApprovalRecord & { evidence: ApprovalEvidence }> {
  const { plan } = saved;
  const author = requireAuthor(saved, settings);
  if (author === approval.by && !settings.allowSelfApproval) {
    throw new ApprovalError(`${approval.by} wrote plan ${plan.id} and cannot approve it: environment '${settings.name}' needs a second person`, {
      code: 'self_approval',
      hint: `another person runs \`planner approve FILE --by NAME\`, or config sets environments.${settings.matchedBy ?? settings.name}.allowSelfApproval`,
    });
  }
  const current = (await state.getEnvironment(plan.environment))?.planId ?? null;
  if (current !== plan.expectedPlanId) {
    throw new ConflictError(`environment '${plan.environment}' changed since plan ${plan.id} was made; plan is stale and was not approved`, { code: 'stale_plan', hint: 'plan again and approve the new file' });
  }
  const redact = approval.redact ?? ((text: string) => text);
  const record: ApprovalRecord = { planHash: saved.checksum, planId: plan.id, environment: plan.environment, author, approvedBy: approval.by, approvedAt: approval.at, comment: approval.comment ? redact(approval.comment) : null };
  // The summary first: without the approval it is an unused row keyed by the file's hash,
  // while an approval recorded without it would read as given on no evidence.
  const evidence = summarizeEvidence(saved, redact);
  await state.recordApprovalEvidence(evidence, approval.at);
  await state.recordApproval(record);
  return { ...record, evidence };
}

/**
 * Before `planner apply FILE` runs anything: where approval is required, someone other
 * than the author (or anyone, with `allowSelfApproval`) approved exactly this file.
 */
export async function assertApproved(state: StateStore, saved: ReadPlan, settings: EnvironmentSettings): Promise<ApprovalRecord[]> {
  if (!settings.requireApproval) return [];
  const author = requireAuthor(saved, settings);
  const approvals = await state.listApprovals({ planHash: saved.checksum });
  const counted = approvals.filter((a) => settings.allowSelfApproval || a.approvedBy !== author);
  if (counted.length) return counted;
  const onlyAuthor = approvals.length > 0;
  throw new ApprovalError(
    onlyAuthor
      ? `plan ${saved.plan.id} is approved only by its author ${author}; environment '${settings.name}' needs a second person's approval; nothing was applied`
      : `plan ${saved.plan.id} is not approved; environment '${settings.name}' requires approval; nothing was applied`,
    { code: onlyAuthor ? 'self_approval' : 'not_approved', hint: 'someone other than the author runs `planner approve FILE --by NAME`' },
  );
}

function requireAuthor(saved: ReadPlan, settings: EnvironmentSettings): string {
  if (saved.author) return saved.author;
  throw new ApprovalError(`plan ${saved.plan.id} names no author, so it cannot be approved for environment '${settings.name}'`, {
    code: 'no_author',
    exitCode: 2,
    hint: `save it again with \`planner plan ${settings.name} --out FILE\``,
  });
}
