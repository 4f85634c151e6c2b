import chalk from 'chalk';
import { Context } from '../../context.js';
import type { JanitorReport } from '../../lifecycle/janitor.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderJanitorReport } from '../render/janitor-report.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface JanitorCommandOptions extends GlobalOptions {
  ignoreTtl?: boolean;
}

/** Runs the janitor on an open context, with a line per object dropped on a terminal. */
export function janitorWithProgress(ctx: Context, opts: JanitorCommandOptions, io: CliIO): Promise<JanitorReport> {
  const progress = io.interactive && !opts.json;
  return ctx.janitor({ ignoreTtl: opts.ignoreTtl, onDrop: progress ? (kind, name) => io.err(chalk.gray(`dropped ${kind} ${name}`)) : undefined });
}

/** `planner janitor`: drop expired environments, then physical tables no environment uses. Exit 1 if a step failed. */
export async function janitorCommand(opts: JanitorCommandOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets });
  try {
    const report = await janitorWithProgress(ctx, opts, io);
    io.out(opts.json ? jsonText(report) : renderJanitorReport(report, ctx.now().getTime()));
    return report.failures.length ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

export const janitorSpec = defineCommand({
  command: 'janitor',
  describe: 'drop expired environments and the physical tables no environment uses',
  examples: [
    ["planner janitor", "drop expired environments and unused tables"],
  ],
  builder: (y) =>
    y.option('ignore-ttl', {
      type: 'boolean',
      describe: 'drop unused tables now, not a week after their snapshot was made (on a shared warehouse, also those an apply running right now has just built)',
    }),
  handler: (args, io) => janitorCommand(args, io),
});
