import chalk from 'chalk';
import { Context } from '../../context.js';
import { InputError } from '../../errors.js';
import { diffEnvironments, diffModel, sharedTable, type ModelDiffOptions } from '../../table-diff/diff-models.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { progressMode } from '../render/progress.js';
import { environmentDiffJson, renderEnvironmentDiff, renderTableDiff, tableDiffJson } from '../render/table-diff-report.js';
import type { GlobalOptions } from './global-options.js';
import { EXCLUDE_OPTION, SELECT_OPTION } from './select-options.js';
import { tableDiffReview } from '../../report/gather-review.js';
import { FORMAT_OPTION, REPORT_OPTION, showReview, wantsMarkdown, type ReviewOutputOptions } from './review-output.js';

export interface TableDiffCommandOptions extends GlobalOptions, ReviewOutputOptions {
  /** `MODEL ENV_A ENV_B`, or `ENV_A ENV_B` for every model whose version differs. */
  targets: string[];
  on?: string[];
  where?: string;
  skipColumns?: string[];
  decimals?: number;
  limit?: number;
  showSample?: boolean;
  allowDuplicateKeys?: boolean;
  /** With ENV_A ENV_B: only these models (selectors, model/selectors.ts), less the excluded ones. */
  select?: string[];
  exclude?: string[];
}

/**
 * `planner table-diff MODEL ENV_A ENV_B`: the data diff of one model between two
 * environments, computed in the engine. Exit 0 when the diff was computed (whatever it
 * found), 1 when it refused to compare rows because the key repeats or is NULL.
 */
export async function tableDiffCommand(opts: TableDiffCommandOptions, io: CliIO): Promise<number> {
  const { model, envA, envB } = parseTargets(opts.targets);
  wantsMarkdown(opts);
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, envA);
  try {
    const gatewayB = ctx.settings(envB).gateway;
    if (!opts.gateway && gatewayB !== ctx.gatewayName) {
      throw new InputError(`environments '${envA}' and '${envB}' live on different gateways (${ctx.gatewayName}, ${gatewayB}); table-diff compares inside one engine`, {
        code: 'cross_gateway',
        hint: 'pass --gateway NAME if both environments are on one gateway',
      });
    }
    const [a, b] = [await ctx.requireEnvironment(envA), await ctx.requireEnvironment(envB)];
    const deps = { engine: ctx.engine, state: ctx.state };
    const options: ModelDiffOptions = {
      on: splitNames(opts.on),
      where: opts.where,
      skipColumns: splitNames(opts.skipColumns),
      decimals: opts.decimals,
      limit: opts.limit,
      samples: opts.showSample,
      allowDuplicateKeys: opts.allowDuplicateKeys,
    };
    // A line per model of an environment diff wherever progress shows; the one-model line only on a terminal.
    const progress = progressMode(opts.progress, io, opts.json);

    if (model) {
      if (opts.select?.length || opts.exclude?.length) throw new InputError('--select and --exclude go with two environments: planner table-diff ENV_A ENV_B --select ...', { code: 'invalid_option' });
      const shared = await sharedTable(deps, model, a, b);
      if (shared) {
        // Views of both environments on one table: the rows are the same, nothing to scan.
        const entries = [{ model, status: 'skipped' as const, reason: shared }];
        if (!(await showReview(opts, () => tableDiffReview(ctx.state, a, b, entries), io))) io.out(opts.json ? JSON.stringify({ model, sameTable: true, identical: true, reason: shared }, null, 2) : `${model}: ${shared}.`);
        return 0;
      }
      if (progress === 'bar') io.err(chalk.gray(`diffing ${model} between ${envA} and ${envB}...`));
      const result = await diffModel(deps, model, a, b, options);
      if (!(await showReview(opts, () => tableDiffReview(ctx.state, a, b, [{ model, status: 'diffed', result }]), io))) io.out(opts.json ? JSON.stringify(tableDiffJson(result), null, 2) : renderTableDiff(result));
      return result.refused ? 1 : 0;
    }

    for (const [flag, value] of [['--on', options.on], ['--where', options.where], ['--show-sample', options.samples]] as const) {
      if (value !== undefined && value !== false) throw new InputError(`${flag} needs a model: planner table-diff MODEL ${envA} ${envB} ${flag} ...`, { code: 'invalid_option' });
    }
    const entries = await diffEnvironments(deps, a, b, options, (name, i, total) => {
      if (progress !== 'none') io.err(chalk.gray(`[${i + 1}/${total}] diffing ${name}`));
    }, { select: opts.select, exclude: opts.exclude });
    if (!(await showReview(opts, () => tableDiffReview(ctx.state, a, b, entries), io))) io.out(opts.json ? JSON.stringify(environmentDiffJson(envA, envB, entries), null, 2) : renderEnvironmentDiff(envA, envB, entries));
    return entries.some((e) => e.status === 'failed' || (e.status === 'diffed' && e.result.refused)) ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

/** `MODEL ENV_A ENV_B` or `ENV_A ENV_B`: a model name has a dot, an environment name never does. */
function parseTargets(targets: string[]): { model?: string; envA: string; envB: string } {
  const usage = { code: 'usage', hint: 'planner table-diff MODEL ENV_A ENV_B, or planner table-diff ENV_A ENV_B for every changed model' };
  if (targets.length === 3) {
    if (!targets[0].includes('.')) throw new InputError(`'${targets[0]}' is not a model name (schema.table)`, usage);
    return { model: targets[0], envA: targets[1], envB: targets[2] };
  }
  if (targets.length === 2 && !targets.some((t) => t.includes('.'))) return { envA: targets[0], envB: targets[1] };
  throw new InputError(`table-diff takes a model and two environments, or two environments; got: ${targets.join(' ') || 'nothing'}`, usage);
}

/** `--on a b` and `--on a,b` both give [a, b]. */
function splitNames(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const names = values.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
  return names.length ? names : undefined;
}

export const tableDiffSpec = defineCommand({
  command: 'table-diff <targets..>',
  describe: 'compare a model’s data between two environments (MODEL ENV_A ENV_B), or every changed model (ENV_A ENV_B)',
  examples: [
    ["planner table-diff analytics.customers prod dev", "compare one model's rows in prod and dev"],
    ["planner table-diff prod dev", "compare every model whose version differs"],
    ["planner table-diff prod dev --select 'analytics.*' --exclude tag:large", "compare the changed analytics models, except the large ones"],
  ],
  builder: (y) =>
    y
      .positional('targets', { type: 'string', array: true, demandOption: true, describe: 'MODEL ENV_A ENV_B, or ENV_A ENV_B' })
      .option('on', { type: 'string', array: true, describe: "key columns to match rows on (default: the model's grain)" })
      .option('where', { type: 'string', describe: 'SQL condition applied to both sides' })
      .option('skip-columns', { type: 'string', array: true, describe: 'columns left out of the comparison' })
      .option('decimals', { type: 'number', describe: 'floats and decimals are compared after rounding to this many decimals (default 3)' })
      .option('limit', { type: 'number', describe: 'sample rows per category (default 20)' })
      .option('show-sample', { type: 'boolean', describe: 'print sample rows: only in A, only in B, and differing' })
      .option('allow-duplicate-keys', { type: 'boolean', describe: 'compare rows even when the key repeats or is NULL' })
      .option('select', SELECT_OPTION)
      .option('exclude', EXCLUDE_OPTION)
      .option('report', REPORT_OPTION)
      .option('format', FORMAT_OPTION),
  handler: (args, io) => tableDiffCommand(args, io),
});
