import { Context } from '../../context.js';
import { LATEST_STATE_VERSION } from '../../state/migrations/index.js';
import type { CommandSpec } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';

/**
 * `planner migrate`: brings the state schema to this version of planner. Every command
 * does so on start; this one does only that, for a deploy step that upgrades state first.
 */
export async function migrateCommand(opts: GlobalOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets });
  try {
    const version = await ctx.state.schemaVersion();
    if (opts.json) io.out(JSON.stringify({ stateSchema: ctx.config.stateSchema, version, latest: LATEST_STATE_VERSION }, null, 2));
    else io.out(`State schema ${ctx.config.stateSchema} is at version ${version} (latest ${LATEST_STATE_VERSION}).`);
    return 0;
  } finally {
    await ctx.close();
  }
}

export const migrateSpec: CommandSpec = {
  command: 'migrate',
  describe: "bring the state schema up to this planner's version",
  builder: (y) => y,
  handler: migrateCommand,
};
