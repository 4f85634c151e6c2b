import { Context } from '../../context.js';
import { hasFlags, validateEnvironment } from '../../governance/validate-environment.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderValidationReport } from '../render/validation-report.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface ValidateCommandOptions extends GlobalOptions {
  environment: string;
  against?: string;
  model?: string[];
  all?: boolean;
}

/**
 * `planner validate ENV [--against prod]`: validation metrics of ENV's models compared
 * with another environment's; exit 1 when a metric moved past its threshold.
 */
export async function validateCommand(opts: ValidateCommandOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, opts.environment);
  try {
    const env = await ctx.requireEnvironment(opts.environment);
    const againstName = opts.against ?? (opts.environment === 'prod' ? undefined : 'prod');
    const against = againstName ? await ctx.requireEnvironment(againstName) : undefined;
    const report = await validateEnvironment({ engine: ctx.engine, state: ctx.state }, env, against, { models: opts.model, all: opts.all, thresholds: ctx.config.validation });
    io.out(opts.json ? jsonText({ ...report, ok: !hasFlags(report) }) : renderValidationReport(report));
    return hasFlags(report) ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

export const validateSpec = defineCommand({
  command: 'validate <environment>',
  describe: 'validation metrics (rows, distinct keys, NULL rates, totals) of an environment against another; exit 1 on flags',
  examples: [
    ["planner validate dev", "compare dev's metrics with prod's"],
    ["planner validate dev --against staging --model analytics.orders", "one model, against staging"],
  ],
  builder: (y) =>
    y
      .positional('environment', { type: 'string', describe: 'environment to validate', demandOption: true })
      .option('against', { type: 'string', describe: 'baseline environment (default prod)' })
      .option('model', { type: 'string', array: true, describe: 'only these models' })
      .option('all', { type: 'boolean', describe: 'also models that read the same table as the baseline' }),
  handler: (args, io) => validateCommand(args, io),
});
