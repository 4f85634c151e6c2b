import { writeFileSync } from 'node:fs';
import chalk from 'chalk';
import { Context } from '../../context.js';
import { InputError } from '../../errors.js';
import { isEmptyPlan } from '../../plan/plan.js';
import { savedPlanText } from '../../plan/saved-plan.js';
import type { CliIO } from '../io.js';
import { appliedMessage } from '../render/apply-summary.js';
import { progressMode, progressReporter } from '../render/progress.js';
import { planJson, renderPlan } from '../render/plan-summary.js';
import { defineCommand } from '../command-spec.js';
import type { GlobalOptions } from './global-options.js';
import { confirmQuestion, guardProtected, runPlanTests, withAuditWarnings } from './plan-safeguards.js';
import { EXECUTION_TIME_OPTION, executionClock } from './time-options.js';
import { planReview } from '../../report/gather-review.js';
import { assertDirectApplyAllowed } from '../../governance/approvals.js';
import { gatherEvidence, type PlanEvidence } from '../../governance/evidence.js';
import { savedPlanTrail } from '../../report/approval-trail.js';
import type { Plan } from '../../plan/plan.js';
import { assertEvidenceComparable, samplingText } from '../../governance/sampling.js';
import { renderEvidence } from '../render/evidence.js';
import { currentUser } from './user.js';
import { FORMAT_OPTION, REPORT_OPTION, showReview, wantsMarkdown, type ReviewOutputOptions } from './review-output.js';
import { jsonText } from '../render/json.js';

export interface PlanCommandOptions extends GlobalOptions, ReviewOutputOptions {
  environment?: string;
  autoApply?: boolean;
  dryRun?: boolean;
  createFrom?: string;
  includeUnmodified?: boolean;
  /** Views only for the models this environment changes. */
  changedOnly?: boolean;
  /** Save the plan to this file for `planner apply FILE` instead of applying it. */
  out?: string;
  /** Do not run the unit tests in tests/*.yaml first. */
  skipTests?: boolean;
  /** Let a plan for a protected environment put back a definition it replaced. */
  allowRevert?: boolean;
  /** Let a plan for a protected environment remove models or drop columns. */
  allowDestructive?: boolean;
  /** Keep existing tables: changes apply from now on (in dev: previewed in a table of their own). */
  forwardOnly?: boolean;
  /** Recompute the intervals of these models, and of the models downstream, in place. */
  restateModel?: string[];
  /** Plan only these models' changes (and what they read from): selectors (model/selectors.ts). */
  select?: string[];
  /** The old name of --select, kept working. */
  selectModel?: string[];
  /** Selectors of models whose local changes wait. */
  exclude?: string[];
  /** Limit a dev backfill or a restatement (YYYY-MM-DD; an end date is included). */
  start?: string;
  end?: string;
  /** Plan as if the clock read this time. */
  executionTime?: string;
  /** Who saved the plan (`--out`); default PLANNER_USER, else the OS user. */
  author?: string;
  /** Measure this environment against the planned one for the saved plan's evidence. */
  evidenceFrom?: string;
}

/** `planner plan [ENV]`: print the plan, then apply it on confirmation or with --auto-apply. */
export async function planCommand(opts: PlanCommandOptions, io: CliIO): Promise<number> {
  const environment = opts.environment ?? 'prod';
  wantsMarkdown(opts);
  const progress = progressReporter(io, progressMode(opts.progress, io, opts.json));
  // Lazy: a plan that finds nothing to do on an unchanged DuckDB warehouse never opens it (state/plan-reads-cache.ts).
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets, reporter: withAuditWarnings(io, progress.reporter), executionTime: executionClock(opts.executionTime), lazy: true }, environment).catch((err) => {
    progress.stop();
    throw err;
  });
  try {
    const planOptions = {
      createFrom: opts.createFrom,
      includeUnmodified: opts.includeUnmodified,
      changedOnly: opts.changedOnly,
      forwardOnly: opts.forwardOnly,
      allowDestructive: opts.allowDestructive,
      allowRevert: opts.allowRevert,
      restateModels: opts.restateModel,
      selectModels: opts.select || opts.selectModel ? [...(opts.select ?? []), ...(opts.selectModel ?? [])] : undefined,
      excludeModels: opts.exclude,
      start: opts.start,
      end: opts.end,
    };
    const plan = await ctx.plan(environment, planOptions);
    await runPlanTests(ctx, environment, opts, io);
    const empty = isEmptyPlan(plan);
    // A plan saved for review carries its author and evidence, and its reports show them.
    const saving = opts.out ? await savedEvidence(ctx, plan, environment, opts) : undefined;
    const shown = await showReview(opts, async () => {
      await ctx.ready();
      return planReview(ctx.state, plan, saving && savedPlanTrail(environment, plan.id, saving.author, saving.evidence));
    }, io);
    if (!opts.json && !shown) io.out(empty ? chalk.green(`No changes: the project matches environment ${environment}.`) : renderPlan(plan));
    const sampling = ctx.settings(environment).policies.sampling;
    if (sampling && !opts.json) io.out(chalk.yellow(`\nEnvironment ${environment} is sampled: its models read ${samplingText(sampling)} of each SEED and EXTERNAL source (the rows chosen by the hash of their grain), into tables of their own.`));
    if (plan.lineage && !opts.json) io.out(lineageText(environment, plan.lineage));
    await guardProtected(ctx, plan, opts, io);
    if (opts.out && saving) {
      const { evidence, author } = saving;
      if (!opts.json && evidence.from) io.out(`\n${renderEvidence(evidence)}`);
      writeFileSync(opts.out, savedPlanText(plan, ctx.gatewayName, ctx.now(), planOptions, { author, evidence }));
      if (opts.json) io.out(jsonText({ ...planJson(plan), applied: false, savedTo: opts.out }));
      else io.out(`\nSaved plan ${plan.id} to ${opts.out}; apply it with \`planner apply ${opts.out}\`.`);
      return 0;
    }
    if (empty || opts.dryRun) {
      if (opts.json) io.out(jsonText({ ...planJson(plan), applied: false }));
      return 0;
    }
    assertDirectApplyAllowed(ctx.settings(environment));
    let apply = opts.autoApply ?? false;
    if (!apply) {
      if (!io.interactive || opts.json) {
        // One JSON document on stdout: the error the CLI prints (the plan is for --dry-run).
        throw new InputError(opts.json ? 'not applied: --json never asks for confirmation' : 'not applied: no terminal to confirm on', {
          hint: 'pass --auto-apply (or --yes) to apply without asking, or --dry-run to only print',
        });
      }
      if (opts.restateModel?.length && environment === 'prod') io.out(chalk.yellow(`\nRestating recomputes prod's data in place for the ranges above; readers see the new rows once each batch commits.`));
      apply = await io.confirm(confirmQuestion(ctx, plan));
      if (!apply) {
        io.out('Not applied.');
        return 0;
      }
    }
    const started = Date.now();
    const result = await ctx.apply(plan);
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    if (opts.json) {
      io.out(jsonText({ ...planJson(plan, progress.seconds), applied: true, seconds: Number(seconds) }));
    } else {
      io.out(appliedMessage(plan, result, seconds));
    }
    return 0;
  } finally {
    progress.stop();
    await ctx.close();
  }
}

/** The author and evidence of a plan saved with --out (`--evidence-from` measures that environment's build). */
async function savedEvidence(ctx: Context, plan: Plan, environment: string, opts: PlanCommandOptions): Promise<{ author: string; evidence: PlanEvidence }> {
  await ctx.ready();
  if (opts.evidenceFrom) assertEvidenceComparable(ctx.settings(opts.evidenceFrom), ctx.settings(environment));
  const from = opts.evidenceFrom ? await ctx.requireEnvironment(opts.evidenceFrom) : undefined;
  const baseline = await ctx.state.getEnvironment(environment);
  const evidence = await gatherEvidence({ engine: ctx.engine, state: ctx.state }, plan, from, baseline, { thresholds: ctx.config.validation, audits: { projectDir: ctx.config.projectDir, now: ctx.now() } });
  return { author: currentUser(opts.author), evidence };
}

export const planSpec = defineCommand({
  command: 'plan [environment]',
  describe: 'plan an environment (default prod) and apply it on confirmation',
  examples: [
    ["planner plan", "plan prod and apply it on confirmation"],
    ["planner plan dev --auto-apply", "create or update environment dev without asking"],
    ["planner plan dev --dry-run --select 'analytics.*'", "only print the plan of the analytics models"],
    ["planner plan dev --select +analytics.customers --exclude tag:slow", "take the changes of a model and its upstream, except the slow ones"],
    ["planner plan dev --dry-run --format markdown --report plan.html", "a pull-request comment on stdout and an HTML report with the lineage graph"],
  ],
  builder: (y) =>
    y
      .positional('environment', { type: 'string', describe: 'environment to plan' })
      .option('auto-apply', { alias: 'yes', type: 'boolean', describe: 'apply without asking' })
      .option('dry-run', { type: 'boolean', describe: 'print the plan, apply nothing' })
      .option('create-from', { type: 'string', describe: 'environment a new environment starts from (default prod)' })
      .option('changed-only', { type: 'boolean', describe: 'give the environment views only for the models it changes (default: a view of every model)' })
      .option('include-unmodified', { type: 'boolean', describe: 'a view of every model (the default; kept as an alias)' })
      .option('out', { type: 'string', describe: 'save the plan to FILE for review; `planner apply FILE` applies it' })
      .option('author', { type: 'string', describe: 'who saves the plan (--out), for approvals (default: PLANNER_USER, else the OS user)' })
      .option('evidence-from', { alias: 'from', type: 'string', describe: "with --out: measure ENV's build of the changes against the planned environment (validation metrics, data diffs) as the plan's evidence" })
      .option('skip-tests', { type: 'boolean', describe: 'do not run the unit tests (tests/*.yaml) first' })
      .option('allow-destructive', { type: 'boolean', describe: 'let a plan for a protected environment remove models, and a forward-only change drop or retype columns' })
      .option('allow-revert', { type: 'boolean', describe: 'let a plan for a protected environment put back a definition it replaced (the local project is older)' })
      .option('forward-only', { type: 'boolean', describe: 'keep existing tables: changes apply from now on (in dev: previewed in a table of their own)' })
      .option('select', { type: 'string', array: true, describe: "plan only these models' changes and what they read from: NAME, 'schema.*', tag:NAME, +NAME (upstream), NAME+ (downstream)" })
      .option('select-model', { type: 'string', array: true, describe: 'the old name of --select' })
      .option('exclude', { type: 'string', array: true, describe: 'models (same selectors) whose local changes wait for a later plan' })
      .option('restate-model', { type: 'string', array: true, describe: 'recompute the intervals of model M (and the models downstream) in place, within --start/--end' })
      .option('start', { type: 'string', describe: 'first day of a dev backfill or a restatement (YYYY-MM-DD, UTC)' })
      .option('end', { type: 'string', describe: 'last day (included) of a dev backfill or a restatement (YYYY-MM-DD, UTC)' })
      .option('execution-time', EXECUTION_TIME_OPTION)
      .option('report', REPORT_OPTION)
      .option('format', FORMAT_OPTION),
  handler: (args, io) => planCommand(args, io),
});

/** What column lineage adds to a sanitized environment's masks: one line per model, and why all of a model's columns are masked where they are. */
function lineageText(environment: string, lineage: NonNullable<Plan['lineage']>): string {
  const lines = Object.entries(lineage).sort(([a], [b]) => a.localeCompare(b)).map(([model, l]) =>
    l.opaque ? chalk.yellow(`  ${model}: every column NULL (${l.opaque})`) : `  ${model}: ${l.columns.join(', ')}`);
  return `\nSanitized ${environment}: column lineage also masks\n${lines.join('\n')}`;
}
