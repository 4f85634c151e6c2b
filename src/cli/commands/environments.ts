import { environmentSettings } from '../../config/environment-settings.js';
import { loadConfig } from '../../config/load-config.js';
import type { ResolvedConfig } from '../../config/types.js';
import { Context } from '../../context.js';
import { PlannerError } from '../../errors.js';
import { ReplacementHistory, type BehindModel } from '../../plan/environment-history.js';
import { viewSharing, type ViewSharing } from '../../plan/view-sharing.js';
import { DEFAULT_LAYOUT, PROD } from '../../snapshot/virtual-names.js';
import { approvedEvidence } from '../../report/approval-trail.js';
import { isExpired, type ApprovalEvidence, type ApprovalRecord, type EnvironmentRecord } from '../../state/state-store.js';
import { approvalEvidenceLines } from '../render/approval-evidence.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { environmentConfigJson, renderEnvironmentConfig } from '../render/environment-config.js';
import { renderTable } from '../render/table.js';
import { formatWhen, isoTime, relativeTime } from '../render/time.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface EnvironmentsOptions extends GlobalOptions {
  /** Show the resolved config instead: gateways (passwords masked), rules, each environment's settings. */
  config?: boolean;
}

/** One environment as one gateway's state holds it, with what the listing adds. */
interface Listed {
  gateway: string;
  env: EnvironmentRecord;
  sharing: ViewSharing;
  behind: BehindModel[];
  /** Who approved the plan the environment is at (`planner approve`), oldest first. */
  approvals: ApprovalRecord[];
  /** What those approvals were given on, as recorded at approval (null: none, or approved before state kept it). */
  evidence: ApprovalEvidence | null;
}

/**
 * `planner environments`: each environment with its gateway, models, last apply, and
 * expiry; every gateway of the config unless --gateway names one. Gateways that share one
 * state show its environments once, under the gateway the environment is configured for.
 */
export async function environmentsCommand(opts: EnvironmentsOptions, io: CliIO): Promise<number> {
  if (opts.config) {
    const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets });
    try {
      const names = (await ctx.state.listEnvironments()).map((e) => e.name);
      io.out(opts.json ? jsonText(environmentConfigJson(ctx.config, names)) : renderEnvironmentConfig(ctx.config, names));
      return 0;
    } finally {
      await ctx.close();
    }
  }
  const config = await loadConfig(opts.project, opts.secrets);
  const gateways = opts.gateway ? [opts.gateway] : [config.defaultGateway, ...Object.keys(config.gateways).filter((g) => g !== config.defaultGateway)];
  const listed: Listed[] = [];
  const unreachable: { gateway: string; error: string }[] = [];
  let now = Date.now();
  for (const gateway of gateways) {
    let ctx: Context;
    try {
      ctx = await Context.open({ projectDir: opts.project, gateway, secrets: opts.secrets });
    } catch (err) {
      // Named with --gateway: its error is the command's. Otherwise the others are still listed.
      if (opts.gateway || !(err instanceof PlannerError)) throw err;
      unreachable.push({ gateway, error: err.message });
      continue;
    }
    try {
      now = ctx.now().getTime();
      listed.push(...(await listOn(ctx)));
    } finally {
      await ctx.close();
    }
  }
  const envs = once(listed, config);
  for (const u of unreachable) io.err(`warning: gateway ${u.gateway} could not be read: ${u.error}`);
  if (opts.json) {
    const list = envs.map(({ gateway, env: e, sharing, behind, approvals, evidence }) => ({
      name: e.name,
      gateway,
      models: Object.keys(e.snapshots).length,
      views: e.views.length,
      layout: e.layout ?? DEFAULT_LAYOUT,
      sharedViews: sharing.shared,
      ownViews: sharing.own,
      sharedWith: sharing.with,
      behindProd: behind.map((b) => ({ ...b, at: isoTime(b.at) })),
      createdFrom: e.createdFrom,
      createdAt: isoTime(e.createdAt),
      lastAppliedAt: isoTime(e.updatedAt),
      planId: e.planId,
      approvedBy: approvals.map((a) => ({ by: a.approvedBy, at: isoTime(a.approvedAt), author: a.author, comment: a.comment })),
      approvalEvidence: evidence,
      expiresAt: e.expiresAt === null ? null : isoTime(e.expiresAt),
      expired: isExpired(e, now),
    }));
    io.out(jsonText({ environments: list, ...(unreachable.length ? { unreachable } : {}) }));
    return unreachable.length ? 1 : 0;
  }
  if (!envs.length) {
    io.out('No environments yet: `planner plan` creates prod.');
    return unreachable.length ? 1 : 0;
  }
  const rows = envs.map(({ gateway, env: e, sharing, behind }) => ({
    environment: e.name,
    gateway,
    models: Object.keys(e.snapshots).length,
    views: e.views.length,
    'shared/own': e.name === PROD ? '-' : `${sharing.shared}/${sharing.own}`,
    'behind prod': behindText(behind),
    'last applied': formatWhen(e.updatedAt, now),
    plan: e.planId,
    expires: e.expiresAt === null ? 'never' : isExpired(e, now) ? `expired ${relativeTime(e.expiresAt, now)}` : formatWhen(e.expiresAt, now),
  }));
  const columns = Object.keys(rows[0]).map((name) => ({ name, type: 'VARCHAR' }));
  // The table's own footer counts rows; here they are environments.
  const table = renderTable({ columns, rows }).split('\n').slice(0, -1);
  io.out([...table, `${envs.length} ${envs.length === 1 ? 'environment' : 'environments'}`, ...behindLines(envs.map((e) => [e.env.name, e.behind])), ...approvalLines(envs, now)].join('\n'));
  return unreachable.length ? 1 : 0;
}

/** The environments one gateway's state holds, with their view sharing and what they lag prod by. */
async function listOn(ctx: Context): Promise<Listed[]> {
  const envs = await ctx.state.listEnvironments();
  const prodHistory = new ReplacementHistory(await ctx.state.listPlans(PROD));
  const approvals = await ctx.state.listApprovals({});
  const byName = new Map(envs.map((e) => [e.name, e]));
  const out: Listed[] = [];
  for (const e of envs) {
    const base = e.name === PROD ? undefined : byName.get(e.createdFrom ?? PROD) ?? byName.get(PROD);
    const approved = approvals.filter((a) => a.environment === e.name && a.planId === e.planId);
    const evidence = approved.length ? await approvedEvidence(ctx.state, approved) : null;
    out.push({ gateway: ctx.gatewayName, env: e, sharing: await viewSharing(ctx.state, e.name, e.views, e.snapshots, new Map(), base), behind: await ctx.behindProd(e, prodHistory), approvals: approved, evidence });
  }
  return out;
}

/** One row per environment record: a record read through two gateways that share state is kept under its configured gateway. */
function once(listed: Listed[], config: ResolvedConfig): Listed[] {
  const byRecord = new Map<string, Listed>();
  for (const l of listed) {
    const key = `${l.env.name}\0${l.env.planId}\0${l.env.createdAt}`;
    const seen = byRecord.get(key);
    if (!seen || environmentSettings(config, l.env.name).gateway === l.gateway) byRecord.set(key, l);
  }
  return [...byRecord.values()];
}

/**
 * "prod: plan a1b2c3d4e5f6 (by alice) approved by bob 2026-11-30 14:10 UTC (just now): why"
 * for each approved environment, then what the plan was approved on.
 */
function approvalLines(envs: Listed[], now: number): string[] {
  return envs.flatMap(({ env, approvals, evidence }) =>
    approvals.length
      ? [
          ...approvals.map((a) => `${env.name}: plan ${env.planId} (by ${a.author}) approved by ${a.approvedBy} ${formatWhen(a.approvedAt, now)}${a.comment ? `: ${a.comment}` : ''}`),
          ...approvalEvidenceLines(evidence),
        ]
      : [],
  );
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
  describe: 'list the environments of every gateway (or of --gateway): models, last apply and plan, expiry',
  examples: [
    ["planner environments", "every environment of every gateway with its models, last apply and expiry"],
    ["planner environments --gateway team", "the environments of one gateway"],
    ["planner environments --config", "the resolved gateways, rules and settings"],
  ],
  builder: (y) => y.option('config', { type: 'boolean', describe: 'show the resolved config: gateways (passwords masked), rules, and the settings of each environment' }),
  handler: (args, io) => environmentsCommand(args, io),
});
