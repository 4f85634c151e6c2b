import chalk from 'chalk';
import { Context } from '../../context.js';
import type { RunResult } from '../../plan/run-environment.js';
import type { CliIO } from '../io.js';
import { formatRanges } from '../render/backfill-summary.js';
import { withAuditWarnings } from './plan-safeguards.js';
import { progressMode, progressReporter } from '../render/progress.js';
import { defineCommand } from '../command-spec.js';
import type { GlobalOptions } from './global-options.js';
import { EXECUTION_TIME_OPTION, executionClock } from './time-options.js';
import { EXCLUDE_OPTION, SELECT_OPTION } from './select-options.js';
import { jsonText } from '../render/json.js';

export interface RunCommandOptions extends GlobalOptions {
  environment?: string;
  /** Act as if the clock read this time. */
  executionTime?: string;
  /** Only these models (selectors, model/selectors.ts), less the excluded ones. */
  select?: string[];
  exclude?: string[];
}

/** `planner run [ENV]`: compute the intervals that became due since the last run, in DAG order. */
export async function runCommand(opts: RunCommandOptions, io: CliIO): Promise<number> {
  const environment = opts.environment ?? 'prod';
  const progress = progressReporter(io, progressMode(opts.progress, io, opts.json));
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets, reporter: withAuditWarnings(io, progress.reporter), executionTime: executionClock(opts.executionTime), lazy: true }, environment).catch((err) => {
    progress.stop();
    throw err;
  });
  try {
    const started = Date.now();
    const result = await ctx.run(environment, { select: opts.select, exclude: opts.exclude });
    const seconds = (Date.now() - started) / 1000;
    if (opts.json) io.out(jsonText(runJson(result, ctx.executionNow(), seconds, progress.seconds)));
    else io.out(renderRun(result, ctx.executionNow(), seconds));
    return 0;
  } finally {
    progress.stop();
    await ctx.close();
  }
}

function renderRun(result: RunResult, now: Date, seconds: number): string {
  const asOf = now.toISOString().slice(0, 16).replace('T', ' ');
  if (!result.models.length) return chalk.green(`Nothing to run: every model of ${result.environment} is up to date as of ${asOf} UTC.`);
  const lines = result.models.map((m) => {
    const rows = m.rows === undefined ? '' : chalk.gray(`, ${m.rows.toLocaleString('en-US')} rows`);
    return `  ${m.model}  ${formatRanges(m.intervals)}${chalk.gray(` in ${m.batches} ${m.batches === 1 ? 'batch' : 'batches'}`)}${rows}`;
  });
  const restated = (result.autoRestated ?? []).map((r) => `  ${r.model}  ${formatRanges(r.intervals)}`);
  const auto = restated.length ? [chalk.bold('Auto-restated (auto_restatement_cron due):'), ...restated] : [];
  return [...auto, chalk.bold(`Ran ${result.environment} as of ${asOf} UTC:`), ...lines, chalk.green(`Computed ${result.models.length} ${result.models.length === 1 ? 'model' : 'models'} in ${seconds.toFixed(2)}s.`)].join('\n');
}

function runJson(result: RunResult, now: Date, seconds: number, took: ReadonlyMap<string, number>): Record<string, unknown> {
  return {
    environment: result.environment,
    executionTime: now.toISOString(),
    seconds: Number(seconds.toFixed(3)),
    models: result.models.map((m) => ({
      model: m.model,
      snapshot: m.snapshotId,
      batches: m.batches,
      intervals: m.intervals.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })),
      ...(m.rows === undefined ? {} : { rows: m.rows }),
      seconds: Number((took.get(m.model) ?? 0).toFixed(3)),
    })),
    ...(result.autoRestated?.length
      ? { autoRestated: result.autoRestated.map((r) => ({ model: r.model, intervals: r.intervals.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })) })) }
      : {}),
  };
}

export const runSpec = defineCommand({
  command: 'run [environment]',
  describe: "compute the intervals whose cron is due since the last run, for every model of ENV (default prod)",
  examples: [
    ["planner run", "compute prod's intervals that became due"],
    ["planner run dev --execution-time 2024-02-01", "run dev as if it were 1 February"],
    ["planner run --select 'staging.*+' --exclude tag:slow", "run the staging models and what reads them, except the slow ones"],
  ],
  builder: (y) =>
    y
      .positional('environment', { type: 'string', describe: 'environment to run' })
      .option('select', SELECT_OPTION)
      .option('exclude', EXCLUDE_OPTION)
      .option('execution-time', EXECUTION_TIME_OPTION),
  handler: (args, io) => runCommand(args, io),
});
