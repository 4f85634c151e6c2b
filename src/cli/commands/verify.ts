import { Context } from '../../context.js';
import { verifyState } from '../../lifecycle/verify.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderVerifyReport } from '../render/verify-report.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface VerifyOptions extends GlobalOptions {
  environment?: string;
}

/** `planner verify [ENV]`: check views, tables and state agree; exit 1 if any problem. */
export async function verifyCommand(opts: VerifyOptions, io: CliIO): Promise<number> {
  if (opts.environment !== undefined) validateEnvironmentName(opts.environment);
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, opts.environment);
  try {
    const only = opts.environment === undefined ? undefined : await ctx.requireEnvironment(opts.environment);
    const report = await verifyState({ engine: ctx.engine, state: ctx.state, now: ctx.now() }, only);
    io.out(opts.json ? jsonText({ ...report, ok: report.problems.length === 0 }) : renderVerifyReport(report));
    return report.problems.length ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

export const verifySpec = defineCommand({
  command: 'verify [environment]',
  describe: "check that environments' views and tables match state; exit 1 on any problem",
  examples: [
    ["planner verify", "check every environment's views and tables against state"],
  ],
  builder: (y) => y.positional('environment', { type: 'string', describe: 'only this environment' }),
  handler: (args, io) => verifyCommand(args, io),
});
