import { Context } from '../../context.js';
import { isExpired } from '../../state/state-store.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { environmentConfigJson, renderEnvironmentConfig } from '../render/environment-config.js';
import { renderTable } from '../render/table.js';
import { formatWhen, isoTime, relativeTime } from '../render/time.js';
import type { GlobalOptions } from './global-options.js';

export interface EnvironmentsOptions extends GlobalOptions {
  /** Show the resolved config instead: gateways (passwords masked), rules, each environment's settings. */
  config?: boolean;
}

/** `planner environments`: each environment with its models, last apply, and expiry. */
export async function environmentsCommand(opts: EnvironmentsOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets });
  try {
    const now = ctx.now().getTime();
    const envs = await ctx.state.listEnvironments();
    if (opts.config) {
      const names = envs.map((e) => e.name);
      io.out(opts.json ? JSON.stringify(environmentConfigJson(ctx.config, names), null, 2) : renderEnvironmentConfig(ctx.config, names));
      return 0;
    }
    if (opts.json) {
      const list = envs.map((e) => ({
        name: e.name,
        models: Object.keys(e.snapshots).length,
        views: e.views.length,
        createdFrom: e.createdFrom,
        createdAt: isoTime(e.createdAt),
        lastAppliedAt: isoTime(e.updatedAt),
        planId: e.planId,
        expiresAt: e.expiresAt === null ? null : isoTime(e.expiresAt),
        expired: isExpired(e, now),
      }));
      io.out(JSON.stringify({ environments: list }, null, 2));
      return 0;
    }
    if (!envs.length) {
      io.out('No environments yet: `planner plan` creates prod.');
      return 0;
    }
    const rows = envs.map((e) => ({
      environment: e.name,
      models: Object.keys(e.snapshots).length,
      views: e.views.length,
      'last applied': formatWhen(e.updatedAt, now),
      plan: e.planId,
      expires: e.expiresAt === null ? 'never' : isExpired(e, now) ? `expired ${relativeTime(e.expiresAt, now)}` : formatWhen(e.expiresAt, now),
    }));
    const columns = Object.keys(rows[0]).map((name) => ({ name, type: 'VARCHAR' }));
    // The table's own footer counts rows; here they are environments.
    const table = renderTable({ columns, rows }).split('\n').slice(0, -1);
    io.out([...table, `${envs.length} ${envs.length === 1 ? 'environment' : 'environments'}`].join('\n'));
    return 0;
  } finally {
    await ctx.close();
  }
}

export const environmentsSpec = defineCommand({
  command: 'environments',
  describe: 'list environments: models, last apply and plan, expiry',
  examples: [
    ["planner environments", "every environment with its models, last apply and expiry"],
    ["planner environments --config", "the resolved gateways, rules and settings"],
  ],
  builder: (y) => y.option('config', { type: 'boolean', describe: 'show the resolved config: gateways (passwords masked), rules, and the settings of each environment' }),
  handler: (args, io) => environmentsCommand(args, io),
});
