import chalk from 'chalk';
import { Context } from '../../context.js';
import type { BehindModel } from '../../plan/environment-history.js';
import { PROD } from '../../snapshot/virtual-names.js';
import { compareEnvironments, environmentSide, hasDifferences, planSide } from '../../lifecycle/environment-diff.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderEnvironmentDiff } from '../render/environment-diff.js';
import type { GlobalOptions } from './global-options.js';
import { diffReview } from '../../report/gather-review.js';
import { FORMAT_OPTION, REPORT_OPTION, showReview, wantsMarkdown, type ReviewOutputOptions } from './review-output.js';
import { jsonText } from '../render/json.js';

export interface DiffOptions extends GlobalOptions, ReviewOutputOptions {
  /** The side compared: an environment, or with `b` absent the local project compared with this environment. */
  a: string;
  b?: string;
  /** Exit 1 when there are differences, like `git diff --exit-code`. */
  exitCode?: boolean;
}

/** `planner diff ENV_A [ENV_B]`: which models differ between two environments (or the local project and one), with their SQL diff. */
export async function diffCommand(opts: DiffOptions, io: CliIO): Promise<number> {
  validateEnvironmentName(opts.a);
  wantsMarkdown(opts);
  if (opts.b !== undefined) validateEnvironmentName(opts.b);
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, opts.b ?? opts.a);
  try {
    let diff;
    let review;
    const behind: Record<string, BehindModel[]> = {};
    if (opts.b === undefined) {
      const env = await ctx.requireEnvironment(opts.a);
      const plan = await ctx.plan(opts.a, { allowRevert: true });
      diff = compareEnvironments(planSide(plan, 'local'), await environmentSide(ctx.state, env));
      review = () => diffReview(ctx.state, plan, env);
    } else {
      const a = await ctx.requireEnvironment(opts.a);
      const b = await ctx.requireEnvironment(opts.b);
      diff = compareEnvironments(await environmentSide(ctx.state, a), await environmentSide(ctx.state, b));
      review = () => diffReview(ctx.state, a, b);
      for (const env of [a, b]) if (env.name !== PROD) behind[env.name] = await ctx.behindProd(env);
    }
    const different = hasDifferences(diff);
    const behindText = Object.entries(behind).filter(([, list]) => list.length).flatMap(([name, list]) => [
      '',
      chalk.bold(`${name} is behind prod on ${list.length} ${list.length === 1 ? 'model' : 'models'}`) + chalk.gray(` (it holds definitions prod replaced; \`planner plan ${name}\` catches up where the project does not change them)`),
      ...list.map((m) => `  ${m.model}  since prod plan ${m.since} (${new Date(m.at).toISOString().slice(0, 16).replace('T', ' ')} UTC)`),
    ]);
    if (!(await showReview(opts, review, io))) {
      io.out(opts.json ? jsonText({ ...diff, different, behindProd: behind }) : [renderEnvironmentDiff(diff), ...behindText].join('\n'));
    }
    return opts.exitCode && different ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

export const diffSpec = defineCommand({
  command: 'diff <env_a> [env_b]',
  describe: 'which models differ between ENV_A and ENV_B (or the local project and ENV_A), with the SQL diff',
  examples: [
    ["planner diff prod", "what the local project would change in prod"],
    ["planner diff dev prod --exit-code", "exit 1 when dev differs from prod"],
    ["planner diff dev prod --report diff.html", "also write the comparison as an HTML page"],
  ],
  builder: (y) =>
    y
      .positional('env_a', { type: 'string', demandOption: true, describe: 'environment shown as changed; alone: the environment the local project is compared with' })
      .positional('env_b', { type: 'string', describe: 'environment ENV_A is compared with' })
      .option('exit-code', { type: 'boolean', describe: 'exit 1 when there are differences' })
      .option('report', REPORT_OPTION)
      .option('format', FORMAT_OPTION),
  handler: (args, io) => diffCommand({ ...args, a: args.env_a, b: args.env_b }, io),
});
