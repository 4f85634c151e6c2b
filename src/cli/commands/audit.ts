import chalk from 'chalk';
import { customAuditsFor, describeFailure, runAudits, tallyAudits, type AuditResult } from '../../audit/run-audits.js';
import { Context } from '../../context.js';
import { graphOf, selectModels, snapshotNode } from '../../model/selectors.js';
import { fullRefreshTimes } from '../../plan/render-snapshot.js';
import { kindStrategy } from '../../kinds/registry.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { EXCLUDE_OPTION, SELECT_OPTION } from './select-options.js';
import { jsonText } from '../render/json.js';

export interface AuditCommandOptions extends GlobalOptions {
  environment?: string;
  /** Selectors (model/selectors.ts); `--model` is the old name of `--select`. */
  select?: string[];
  models?: string[];
  exclude?: string[];
}

/**
 * `planner audit [--env ENV] [--select S..] [--exclude S..]`: runs the audits of the environment's models
 * on the tables its views point at. Exit 1 when a blocking audit finds bad rows.
 */
export async function auditCommand(opts: AuditCommandOptions, io: CliIO): Promise<number> {
  const environment = opts.environment ?? 'prod';
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, environment);
  try {
    const env = await ctx.requireEnvironment(environment);
    const all = [...(await ctx.state.getSnapshots(Object.values(env.snapshots))).values()];
    const picked = selectModels(graphOf(all.map(snapshotNode)), [...(opts.select ?? []), ...(opts.models ?? [])], opts.exclude);
    const snapshots = all
      .filter((s) => picked.has(s.name))
      .filter((s) => s.model.audits.length && kindStrategy(s.model.kind).physical !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
    const custom = customAuditsFor(snapshots, ctx.config.projectDir);
    const results: AuditResult[] = [];
    for (const s of snapshots) results.push(...(await runAudits(s, ctx.engine, custom, fullRefreshTimes(s, ctx.now()), true)));
    const blockingFailed = results.some((r) => (r.count > 0 && r.blocking) || r.error);
    if (opts.json) {
      io.out(jsonText({ environment, ...tallyAudits(results), results }));
    } else {
      io.out(renderAuditResults(environment, results));
    }
    return blockingFailed ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

function renderAuditResults(environment: string, results: AuditResult[]): string {
  if (!results.length) return `No audits to run in environment ${environment}.`;
  const lines = [chalk.bold(`Audits of environment ${environment}`)];
  for (const r of results) {
    if (r.skipped) lines.push(`${chalk.gray('SKIP')} ${r.model}  ${r.audit}`);
    else if (r.error) lines.push(`${chalk.red('ERROR')} ${r.error}`);
    else if (!r.count) lines.push(`${chalk.green('PASS')} ${r.model}  ${r.audit}`);
    else lines.push(`${r.blocking ? chalk.red('FAIL') : chalk.yellow('WARN')} ${describeFailure(r)}`);
  }
  const { passed, failed, skipped, errors } = tallyAudits(results);
  const summary =
    `Ran ${results.length} ${results.length === 1 ? 'audit' : 'audits'}: ${passed} passed, ${failed} failed` +
    `${skipped ? `, ${skipped} skipped` : ''}${errors ? `, ${errors} could not run` : ''}.`;
  lines.push(failed || errors ? chalk.red(summary) : chalk.green(summary));
  return lines.join('\n');
}

export const auditSpec = defineCommand({
  command: 'audit',
  describe: "run the audits of an environment's models on their tables",
  examples: [
    ["planner audit", "run every audit on prod's tables"],
    ["planner audit --env dev --select analytics.orders", "audit one model in dev"],
    ["planner audit --select tag:finance+", "audit the finance models and everything downstream of them"],
  ],
  builder: (y) =>
    y
      .option('env', { type: 'string', describe: 'environment (default prod)' })
      .option('select', SELECT_OPTION)
      .option('model', { type: 'string', array: true, describe: 'the old name of --select' })
      .option('exclude', EXCLUDE_OPTION),
  handler: (args, io) => auditCommand({ ...args, environment: args.env, models: args.model }, io),
});
