import { Context } from '../../context.js';
import { LATEST_STATE_VERSION } from '../../state/migrations/index.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

/**
 * `planner migrate`: brings the state schema to this version of planner (every command
 * does so on start), then recomputes fingerprints that an older planner stored in an
 * older format (only this command does: plan refuses them until then). Nothing is built.
 */
export async function migrateCommand(opts: GlobalOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets });
  try {
    const version = await ctx.state.schemaVersion();
    const fingerprints = await ctx.migrateFingerprints();
    if (opts.json) {
      io.out(jsonText({ stateSchema: ctx.config.stateSchema, version, latest: LATEST_STATE_VERSION, fingerprints }));
      return 0;
    }
    io.out(`State schema ${ctx.config.stateSchema} is at version ${version} (latest ${LATEST_STATE_VERSION}).`);
    io.out(
      fingerprints.recomputed
        ? `Recomputed ${fingerprints.recomputed} snapshot fingerprint(s) in format ${fingerprints.format} and repointed ${fingerprints.environments} environment(s); every version and table was kept.`
        : `Fingerprints are in format ${fingerprints.format}; nothing to recompute.`,
    );
    for (const s of fingerprints.skipped) io.out(`  left as stored: ${s.id}: ${s.reason}`);
    return 0;
  } finally {
    await ctx.close();
  }
}

export const migrateSpec = defineCommand({
  command: 'migrate',
  describe: "bring the state schema and stored fingerprints up to this planner's version (builds nothing)",
  examples: [
    ["planner migrate", "upgrade the state schema before a deploy"],
  ],
  builder: (y) => y,
  handler: (args, io) => migrateCommand(args, io),
});
