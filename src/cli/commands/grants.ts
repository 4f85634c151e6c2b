import { Context } from '../../context.js';
import { grantEnvironment } from '../../governance/grants.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';

export interface GrantsCommandOptions extends GlobalOptions {
  environment: string;
}

/** `planner grants ENV`: lets the environment's roles (config `access`) read its views (PostgreSQL). */
export async function grantsCommand(opts: GrantsCommandOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, opts.environment);
  try {
    const env = await ctx.requireEnvironment(opts.environment);
    const report = await grantEnvironment(ctx.engine, env, ctx.settings(opts.environment).readRoles);
    io.out(opts.json ? JSON.stringify(report, null, 2) : `Granted ${report.roles.join(', ')} USAGE on ${report.schemas.join(', ')} and SELECT on ${report.views.length} views of ${report.environment}.`);
    return 0;
  } finally {
    await ctx.close();
  }
}

export const grantsSpec = defineCommand({
  command: 'grants <environment>',
  describe: "let the environment's roles (config access) read its views, and nothing else (PostgreSQL)",
  examples: [['planner grants dev_alice', "config access: { 'dev_*': { role: 'analyst_dev' } }"]],
  builder: (y) => y.positional('environment', { type: 'string', demandOption: true, describe: 'environment whose views to grant' }),
  handler: (args, io) => grantsCommand(args, io),
});
