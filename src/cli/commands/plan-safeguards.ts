import chalk from 'chalk';
import type { Context } from '../../context.js';
import { InputError } from '../../errors.js';
import { describeDestructiveChange, findDestructiveChanges, type DestructiveChange } from '../../plan/destructive-changes.js';
import { isEmptyPlan, type Plan } from '../../plan/plan.js';
import type { ApplyReporter } from '../../plan/reporter.js';
import { runProjectTests } from '../../unit-test/run-project-tests.js';
import { UnitTestsFailedError } from '../../unit-test/unit-tests-failed.js';
import type { CliIO } from '../io.js';
import { renderUnitTestReport } from '../render/unit-test-report.js';

/**
 * What `planner plan` checks besides the plan itself: the unit tests pass first, a
 * protected environment is not changed destructively without `--allow-destructive`,
 * and non-blocking audit failures are shown.
 */
export interface SafeguardOptions {
  json?: boolean;
  skipTests?: boolean;
  allowDestructive?: boolean;
  dryRun?: boolean;
  out?: string;
}

/** Runs the unit tests (as `environment` sees the project) unless `--skip-tests`; a failure stops the command before anything is printed or applied. */
export async function runPlanTests(ctx: Context, environment: string, opts: SafeguardOptions, io: CliIO): Promise<void> {
  if (opts.skipTests) return;
  const results = await runProjectTests(ctx.config, [], ctx.settings(environment).variables, () => ctx.loadProject(environment));
  if (results.every((r) => r.status === 'passed')) return;
  if (!opts.json) io.err(renderUnitTestReport(results));
  throw new UnitTestsFailedError(results);
}

/**
 * For a protected environment: lists what the plan would destroy (removed models,
 * forward-only changes that drop or retype columns) and refuses to go on to apply it
 * or to save it for `planner apply` without `--allow-destructive`. A dry run only prints.
 */
export async function guardProtected(ctx: Context, plan: Plan, opts: SafeguardOptions, io: CliIO): Promise<DestructiveChange[]> {
  // A plan that changes nothing destroys nothing (and need not open the warehouse to say so).
  if (!ctx.settings(plan.environment).protected || isEmptyPlan(plan)) return [];
  await ctx.ready();
  const current = await ctx.state.getEnvironment(plan.environment);
  const changes = await findDestructiveChanges(plan, current, ctx.state, ctx.engine, ctx.now());
  if (!changes.length) return [];
  const lines = changes.map(describeDestructiveChange);
  if (!opts.json) {
    io.out(chalk.bold.red(`\nDestructive changes to protected environment ${plan.environment}:`));
    for (const l of lines) io.out(chalk.red(`  ${l}`));
  }
  // A saved plan (--out) is refused too: `planner apply FILE` trusts the approval given here.
  if (!opts.allowDestructive && !opts.dryRun) {
    throw new InputError(`not ${opts.out ? 'saved' : 'applied'}: the plan for protected environment '${plan.environment}' is destructive:\n  ${lines.join('\n  ')}`, {
      code: 'destructive_change',
      hint: 'pass --allow-destructive to apply it anyway',
    });
  }
  return changes;
}

/** The question a person answers before an apply; a protected environment says so. */
export function confirmQuestion(ctx: Context, plan: Plan): string {
  const guarded = ctx.settings(plan.environment).protected;
  return `\nApply plan ${plan.id} to ${guarded ? `protected environment ${chalk.bold(plan.environment)}` : plan.environment}?`;
}

/** Adds printing of non-blocking audit failures (to stderr, so `--json` output stays clean) to a reporter. */
export function withAuditWarnings(io: CliIO, reporter: ApplyReporter | undefined): ApplyReporter {
  return {
    ...reporter,
    auditWarning: (_snapshot, message) => io.err(chalk.yellow(`warning: ${message}`)),
  };
}
