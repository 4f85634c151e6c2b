import chalk from 'chalk';
import type { ValidationReport } from '../../governance/validate-environment.js';

/** `planner validate` as text: one block per model, its metrics beside the baseline's, then the flags. */
export function renderValidationReport(r: ValidationReport): string {
  const head = `Validation of ${r.environment}${r.against ? ` against ${r.against}` : ''}: ${r.models.length} ${r.models.length === 1 ? 'model' : 'models'}`;
  if (!r.models.length) return `${head}\n${chalk.gray(r.against ? `every model reads the same table as ${r.against}: nothing to compare` : 'no model with a table')}`;
  const lines = [head];
  for (const m of r.models) {
    const flagged = m.flags.length > 0;
    lines.push('', `${flagged ? chalk.red('!') : chalk.green('✓')} ${chalk.bold(m.model)}  ${chalk.gray(m.sameTable ? `same table as ${r.against}` : m.table)}`);
    const base = m.baseline && !m.sameTable ? m.baseline.metrics : null;
    const pair = (a: string, b?: string) => (b === undefined ? a : `${a}  (${r.against}: ${b})`);
    lines.push(`  rows           ${pair(String(m.metrics.rows), base ? String(base.rows) : undefined)}`);
    if (m.metrics.distinctKeys !== null) lines.push(`  distinct keys  ${pair(String(m.metrics.distinctKeys), base?.distinctKeys != null ? String(base.distinctKeys) : undefined)}`);
    const nulls = Object.entries(m.metrics.nullRates).filter(([, v]) => v > 0);
    if (nulls.length) lines.push(`  NULL rates     ${nulls.map(([c, v]) => `${c} ${(v * 100).toFixed(1)}%`).join(', ')}`);
    const totals = Object.entries(m.metrics.hashTotals);
    if (totals.length) lines.push(`  totals         ${totals.map(([c, v]) => `${c} ${Number.isInteger(v) ? v : v.toFixed(2)}`).join(', ')}`);
    for (const f of m.flags) lines.push(chalk.red(`  flag: ${f.message}`));
  }
  const flagged = r.models.filter((m) => m.flags.length).length;
  lines.push('', flagged ? chalk.red(`${flagged} of ${r.models.length} models flagged.`) : chalk.green(`No flags: every metric within its threshold.`));
  return lines.join('\n');
}
