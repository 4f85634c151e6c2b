import { Context } from '../../context.js';
import { readSavedPlan } from '../../plan/saved-plan.js';
import type { CliIO } from '../io.js';
import { appliedMessage } from '../render/apply-summary.js';
import { planJson, renderPlan } from '../render/plan-summary.js';
import { withAuditWarnings } from './plan-safeguards.js';
import { progressReporter } from '../render/progress.js';
import { defineCommand } from '../command-spec.js';
import type { GlobalOptions } from './global-options.js';

/** `planner apply FILE` options. */
export interface ApplyCommandOptions extends GlobalOptions {
  file: string;
}

/**
 * `planner apply FILE`: applies a plan saved by `planner plan ENV --out FILE` as it was
 * reviewed. An altered file is refused (exit 2); a plan whose environment changed since
 * is refused as stale (exit 1); either way nothing is done.
 */
export async function applyCommand(opts: ApplyCommandOptions, io: CliIO): Promise<number> {
  const { plan, gateway } = readSavedPlan(opts.file);
  const showProgress = io.interactive && !opts.json;
  const ctx = await Context.open(
    { projectDir: opts.project, gateway: opts.gateway ?? gateway, secrets: opts.secrets, reporter: withAuditWarnings(io, showProgress ? progressReporter(io) : undefined) },
    plan.environment,
  );
  try {
    if (!opts.json) io.out(renderPlan(plan));
    const started = Date.now();
    const result = await ctx.apply(plan);
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    if (opts.json) io.out(JSON.stringify({ ...planJson(plan), applied: !result.alreadyApplied, alreadyApplied: Boolean(result.alreadyApplied), seconds: Number(seconds) }, null, 2));
    else io.out(appliedMessage(plan, result, seconds));
    return 0;
  } finally {
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
