import { Context } from '../../context.js';
import { approvePlan } from '../../governance/approvals.js';
import { readSavedPlan } from '../../plan/saved-plan.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderEvidence } from '../render/evidence.js';
import type { GlobalOptions } from './global-options.js';
import { currentUser } from './user.js';
import { jsonText } from '../render/json.js';

/** `planner approve FILE` options. */
export interface ApproveCommandOptions extends GlobalOptions {
  file: string;
  /** The approver (default PLANNER_USER, else the OS user). */
  by?: string;
  comment?: string;
}

/**
 * `planner approve FILE`: shows the saved plan's evidence and records, in state, that
 * `--by` approved exactly this file (its hash). Refused (exit 2) for the plan's author
 * unless config allows it; refused (exit 1) when the environment changed since.
 */
export async function approveCommand(opts: ApproveCommandOptions, io: CliIO): Promise<number> {
  const saved = readSavedPlan(opts.file);
  const environment = saved.plan.environment;
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway ?? saved.gateway, secrets: opts.secrets }, environment);
  try {
    const record = await approvePlan(ctx.state, saved, ctx.settings(environment), { by: currentUser(opts.by), comment: opts.comment, at: ctx.now().getTime(), redact: (t) => opts.secrets?.redact(t) ?? t });
    if (opts.json) {
      const { evidence: summary, ...approval } = record;
      io.out(jsonText({ approved: true, ...approval, evidence: saved.evidence, evidenceSummary: summary }));
      return 0;
    }
    if (saved.evidence) io.out(renderEvidence(saved.evidence));
    io.out(`Plan ${record.planId} for ${environment} (by ${record.author}) approved by ${record.approvedBy}${record.comment ? `: ${record.comment}` : ''}.`);
    return 0;
  } finally {
    await ctx.close();
  }
}

export const approveSpec = defineCommand({
  command: 'approve <file>',
  describe: 'approve a plan saved with `planner plan ENV --out FILE` (recorded in state, bound to the file)',
  examples: [["PLANNER_USER=bob planner approve plan.json --comment 'metrics look right'", 'bob approves the plan alice saved']],
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the saved plan' })
      .option('by', { type: 'string', describe: 'who approves (default: PLANNER_USER, else the OS user)' })
      .option('comment', { type: 'string', describe: 'why, for the approval trail' }),
  handler: (args, io) => approveCommand(args, io),
});
