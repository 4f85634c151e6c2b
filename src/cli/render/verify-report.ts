import chalk from 'chalk';
import type { VerifyReport } from '../../lifecycle/verify.js';

/** `planner verify`'s findings: one line per problem, grouped by environment. */
export function renderVerifyReport(r: VerifyReport): string {
  const live = r.environments.filter((e) => !e.expired);
  const expired = r.environments.filter((e) => e.expired);
  const lines = [
    `Checked ${live.length} ${live.length === 1 ? 'environment' : 'environments'} (${live.map((e) => e.name).join(', ') || 'none'}): ` +
      `${r.checked.views} views, ${r.checked.tables} physical tables.`,
  ];
  if (expired.length) lines.push(chalk.gray(`Not checked, expired (the janitor removes them): ${expired.map((e) => e.name).join(', ')}`));
  if (!r.problems.length) {
    lines.push(chalk.green('No problems found.'));
    return lines.join('\n');
  }
  lines.push(chalk.red(`${r.problems.length} ${r.problems.length === 1 ? 'problem' : 'problems'}:`));
  for (const p of r.problems) {
    lines.push(`  ${chalk.red('✗')} ${p.environment ? chalk.cyan(`[${p.environment}] `) : ''}${p.message} ${chalk.gray(`(${p.code})`)}`);
  }
  return lines.join('\n');
}
