import { Context } from '../../context.js';
import { readSavedPlan } from '../../plan/saved-plan.js';
import type { CliIO } from '../io.js';
import { appliedMessage } from '../render/apply-summary.js';
import { planJson, renderPlan } from '../render/plan-summary.js';
import { withAuditWarnings } from './plan-safeguards.js';
import { progressMode, progressReporter } from '../render/progress.js';
import { defineCommand } from '../command-spec.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

/** `planner apply FILE` options. */
export interface ApplyCommandOptions extends GlobalOptions {
  file: string;
}

/**
 * `planner apply FILE`: applies a plan saved by `planner plan ENV --out FILE` as it was
 * reviewed, by planning again and refusing (exit 1) anything that differs (Context.applySaved).
 * An altered file is refused (exit 2); a plan whose environment changed since is refused
 * as stale (exit 1); either way nothing is done.
 */
export async function applyCommand(opts: ApplyCommandOptions, io: CliIO): Promise<number> {
  const saved = readSavedPlan(opts.file);
  const { gateway } = saved;
  const progress = progressReporter(io, progressMode(opts.progress, io, opts.json));
  const ctx = await Context.open(
    { projectDir: opts.project, gateway: opts.gateway ?? gateway, secrets: opts.secrets, reporter: withAuditWarnings(io, progress.reporter) },
    saved.plan.environment,
  ).catch((err) => {
    progress.stop();
    throw err;
  });
  try {
    const started = Date.now();
    const { plan, result } = await ctx.applySaved(saved, (derived) => {
      if (!opts.json) io.out(renderPlan(derived));
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    const approvedBy = (await ctx.state.listApprovals({ planHash: saved.checksum })).map((a) => a.approvedBy);
    if (opts.json) io.out(jsonText({ ...planJson(plan, progress.seconds), applied: !result.alreadyApplied, alreadyApplied: Boolean(result.alreadyApplied), approvedBy, seconds: Number(seconds) }));
    else io.out(appliedMessage(plan, result, seconds) + (approvedBy.length ? `\nApproved by ${approvedBy.join(', ')}.` : ''));
    return 0;
  } finally {
    progress.stop();
    await ctx.close();
  }
}

/** `planner apply FILE` for the command list. */
export const applySpec = defineCommand({
  command: 'apply <file>',
  describe: 'apply a plan saved with `planner plan ENV --out FILE`',
  examples: [
    ["planner plan prod --out plan.json && planner apply plan.json", "save a plan for review, then apply it as reviewed"],
  ],
  builder: (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'the saved plan' }),
  handler: (args, io) => applyCommand(args, io),
});
