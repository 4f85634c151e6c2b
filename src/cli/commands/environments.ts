import { Context } from '../../context.js';
import { ReplacementHistory, type BehindModel } from '../../plan/environment-history.js';
import { viewSharing, type ViewSharing } from '../../plan/view-sharing.js';
import { DEFAULT_LAYOUT, PROD } from '../../snapshot/virtual-names.js';
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
    const prodHistory = new ReplacementHistory(await ctx.state.listPlans(PROD));
    const byName = new Map(envs.map((e) => [e.name, e]));
    const extra = new Map<string, { sharing: ViewSharing; behind: BehindModel[] }>();
    for (const e of envs) {
      const base = e.name === PROD ? undefined : byName.get(e.createdFrom ?? PROD) ?? byName.get(PROD);
      extra.set(e.name, { sharing: await viewSharing(ctx.state, e.name, e.views, e.snapshots, new Map(), base), behind: await ctx.behindProd(e, prodHistory) });
    }
    if (opts.json) {
      const list = envs.map((e) => ({
        name: e.name,
        models: Object.keys(e.snapshots).length,
        views: e.views.length,
        layout: e.layout ?? DEFAULT_LAYOUT,
        sharedViews: extra.get(e.name)!.sharing.shared,
        ownViews: extra.get(e.name)!.sharing.own,
        sharedWith: extra.get(e.name)!.sharing.with,
        behindProd: extra.get(e.name)!.behind,
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
      'shared/own': e.name === PROD ? '-' : `${extra.get(e.name)!.sharing.shared}/${extra.get(e.name)!.sharing.own}`,
      'behind prod': behindText(extra.get(e.name)!.behind),
      'last applied': formatWhen(e.updatedAt, now),
      plan: e.planId,
      expires: e.expiresAt === null ? 'never' : isExpired(e, now) ? `expired ${relativeTime(e.expiresAt, now)}` : formatWhen(e.expiresAt, now),
    }));
    const columns = Object.keys(rows[0]).map((name) => ({ name, type: 'VARCHAR' }));
    // The table's own footer counts rows; here they are environments.
    const table = renderTable({ columns, rows }).split('\n').slice(0, -1);
    io.out([...table, `${envs.length} ${envs.length === 1 ? 'environment' : 'environments'}`, ...behindLines(envs.map((e) => [e.name, extra.get(e.name)!.behind]))].join('\n'));
    return 0;
  } finally {
    await ctx.close();
  }
}

/** "2 since a1b2c3d4e5f6" or "-". */
function behindText(behind: BehindModel[]): string {
  if (!behind.length) return '-';
  const oldest = [...behind].sort((a, b) => a.at - b.at)[0];
  return `${behind.length} since ${oldest.since}`;
}

/** Per environment behind prod: each model and the prod plan that moved on. */
function behindLines(entries: [string, BehindModel[]][]): string[] {
  const out: string[] = [];
  for (const [name, behind] of entries.filter(([, b]) => b.length)) {
    out.push('', `${name} is behind prod on ${behind.length} ${behind.length === 1 ? 'model' : 'models'} (\`planner plan ${name}\` catches up where the project does not change them):`);
    for (const b of behind) out.push(`  ${b.model}  since prod plan ${b.since} (${new Date(b.at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  }
  return out;
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
