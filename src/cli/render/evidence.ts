import chalk from 'chalk';
import type { PlanEvidence } from '../../governance/evidence.js';
import { auditLine } from '../../governance/evidence-audits.js';
import { renderValidationReport } from './validation-report.js';

/** A saved plan's evidence as a reviewer reads it before approving. */
export function renderEvidence(e: PlanEvidence): string {
  const lines = [chalk.bold(`Evidence for ${e.environment}: ${e.changes.length} ${e.changes.length === 1 ? 'change' : 'changes'}, ${e.builds} ${e.builds === 1 ? 'table' : 'tables'} to build`)];
  for (const c of e.changes) lines.push(`  ${c.change.padEnd(19)} ${c.model}${c.category ? chalk.gray(` (${c.category})`) : ''}`);
  if (!e.from) {
    lines.push(chalk.gray('  no metrics: plan with --evidence-from ENV to measure an environment that built the changes'));
    return lines.join('\n');
  }
  if (e.notAsPlanned.length) lines.push(chalk.yellow(`  ${e.from} does not hold the planned version of: ${e.notAsPlanned.join(', ')}`));
  if (e.validation) lines.push('', renderValidationReport(e.validation));
  if (e.audits?.length) {
    lines.push('', `Audits of the changes in ${e.from}:`);
    for (const a of e.audits) lines.push(`  ${a.model}  ${a.failed || a.errors ? chalk.red(auditLine(a)) : auditLine(a)}`);
  }
  if (e.diffs.length) {
    lines.push('', `Data diffs of ${e.from} against ${e.environment} (on each model's grain):`);
    for (const d of e.diffs) {
      const r = d.rows;
      const text = r
        ? `${r.from} vs ${r.baseline} rows: ${r.onlyInFrom} only in ${e.from}, ${r.onlyInBaseline} only in ${e.environment}, ${r.different} changed`
        : chalk.gray(`${d.status}${d.reason ? `: ${d.reason}` : ''}`);
      lines.push(`  ${d.model}  ${text}`);
    }
  }
  return lines.join('\n');
}
