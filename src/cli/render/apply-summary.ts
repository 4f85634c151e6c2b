import chalk from 'chalk';
import type { ApplyResult } from '../../plan/evaluator.js';
import type { Plan } from '../../plan/plan.js';

/** The line printed after an apply: what was built and promoted, and how long it took. */
export function appliedMessage(plan: Plan, result: ApplyResult, seconds: string): string {
  if (result.alreadyApplied) return chalk.green(`\nPlan ${plan.id} was already applied to ${plan.environment}: nothing to do.`);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return chalk.green(
    `\nApplied plan ${plan.id} to ${plan.environment}: built ${plural(result.built.length, 'table', 'tables')}, ` +
      `updated ${plural(result.viewsChanged, 'view', 'views')}${result.viewsDropped ? `, dropped ${result.viewsDropped}` : ''} in ${seconds}s.`,
  );
}
