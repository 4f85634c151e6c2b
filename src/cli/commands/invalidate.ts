import chalk from 'chalk';
import { assertNotProtected } from '../../config/protection.js';
import { Context } from '../../context.js';
import { invalidateEnvironment, refuseProd } from '../../lifecycle/invalidate.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderJanitorReport } from '../render/janitor-report.js';
import { formatTime } from '../render/time.js';
import type { GlobalOptions } from './global-options.js';
import { janitorWithProgress } from './janitor.js';
import { jsonText } from '../render/json.js';

export interface InvalidateOptions extends GlobalOptions {
  environment: string;
  /** Run the janitor right away. */
  sync?: boolean;
  ignoreTtl?: boolean;
}

/** `planner invalidate ENV`: ENV expires now; refused for prod and protected environments. */
export async function invalidateCommand(opts: InvalidateOptions, io: CliIO): Promise<number> {
  const name = validateEnvironmentName(opts.environment);
  refuseProd(name);
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, name);
  try {
    assertNotProtected(ctx.settings(name), 'invalidate');
    const env = (await ctx.state.getEnvironment(name)) ?? (await ctx.requireEnvironment(name));
    const result = await invalidateEnvironment(ctx.state, env, ctx.now().getTime());
    const janitor = opts.sync ? await janitorWithProgress(ctx, opts, io) : undefined;
    if (opts.json) {
      io.out(jsonText({ ...result, janitor: janitor ?? null }));
    } else {
      io.out(
        result.alreadyExpired
          ? `Environment ${chalk.cyan(name)} had already expired at ${formatTime(result.expiresAt)}.`
          : `Environment ${chalk.cyan(name)} expired now${result.previousExpiresAt ? ` (it would have at ${formatTime(result.previousExpiresAt)})` : ''}.`,
      );
      if (janitor) io.out(renderJanitorReport(janitor, ctx.now().getTime()));
      else io.out(chalk.gray(`Its views and tables stay until \`planner janitor\` runs; \`planner plan ${name}\` creates it afresh.`));
    }
    return janitor?.failures.length ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

export const invalidateSpec = defineCommand({
  command: 'invalidate <environment>',
  describe: 'expire an environment now (refused for prod); the janitor then removes it',
  examples: [
    ["planner invalidate dev", "expire dev now; the next janitor removes it"],
    ["planner invalidate dev --sync", "expire dev and remove it right away"],
  ],
  builder: (y) =>
    y
      .positional('environment', { type: 'string', demandOption: true, describe: 'environment to expire' })
      .option('sync', { type: 'boolean', describe: 'run the janitor right away' })
      .option('ignore-ttl', { type: 'boolean', describe: 'with --sync: drop unused tables now, whatever their snapshot TTL' }),
  handler: (args, io) => invalidateCommand(args, io),
});
