import chalk from 'chalk';
import type { TestRow } from '../../unit-test/load-tests.js';
import type { UnitTestResult } from '../../unit-test/run-unit-tests.js';
export { unitTestJson } from '../../unit-test/unit-tests-failed.js';

/**
 * `planner test` output: one line per test, and for each failure a readable diff of
 * expected against actual rows: changed cells of rows paired by the model's grain,
 * then rows missing and rows not expected.
 */
export function renderUnitTestReport(results: readonly UnitTestResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const cte = r.status !== 'passed' && r.cte ? `, CTE ${r.cte}` : '';
    const where = chalk.gray(`(${r.test.file}:${r.test.line}, model ${r.test.model}${cte})`);
    if (r.status === 'passed') {
      lines.push(`${chalk.green('PASS')} ${r.test.name} ${where}`);
      continue;
    }
    lines.push(`${chalk.red(r.status === 'failed' ? 'FAIL' : 'ERROR')} ${r.test.name} ${where}`);
    if (r.status === 'error') {
      lines.push(`  ${r.message}`);
      continue;
    }
    const d = r.diff;
    const total = d.matched + d.changed.length + d.missing.length;
    lines.push(`  ${d.matched} of ${total} expected ${total === 1 ? 'row' : 'rows'} match`);
    if (d.changed.length) {
      lines.push(`  ${d.changed.length} ${d.changed.length === 1 ? 'row differs' : 'rows differ'} (rows paired on ${d.key.join(', ')}):`);
      for (const c of d.changed) {
        lines.push(`    ${formatRow(c.key)}`);
        const width = Math.max(...c.columns.map((n) => n.length));
        for (const col of c.columns) {
          lines.push(`      ${col.padEnd(width)}  ${chalk.red(`expected ${formatValue(c.expected[col])}`)}  ${chalk.green(`actual ${formatValue(c.actual[col])}`)}`);
        }
      }
    }
    if (d.missing.length) {
      lines.push('  expected but not returned:');
      for (const row of d.missing) lines.push(chalk.red(`    - ${formatRow(row)}`));
    }
    if (d.unexpected.length) {
      lines.push('  returned but not expected:');
      for (const row of d.unexpected) lines.push(chalk.green(`    + ${formatRow(row)}`));
    }
  }
  const failed = results.filter((r) => r.status !== 'passed').length;
  const summary = `Ran ${results.length} ${results.length === 1 ? 'test' : 'tests'}: ${results.length - failed} passed, ${failed} failed.`;
  lines.push(failed ? chalk.red(summary) : chalk.green(summary));
  return lines.join('\n');
}

function formatRow(row: TestRow): string {
  return Object.entries(row)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(', ');
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
