import { PlannerError } from '../errors.js';
import type { UnitTestResult } from './run-unit-tests.js';

/** Unit test results as data, for `--json` and error payloads. */
export function unitTestJson(results: readonly UnitTestResult[]): Record<string, unknown> {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status !== 'passed').length,
    tests: results.map((r) => ({
      name: r.test.name,
      file: r.test.file,
      model: r.test.model,
      status: r.status,
      ms: r.ms,
      ...(r.status !== 'passed' && r.cte ? { cte: r.cte } : {}),
      ...(r.status === 'error' ? { message: r.message } : {}),
      ...(r.status === 'failed'
        ? { diff: { columns: r.diff.columns, key: r.diff.key, changed: r.diff.changed, missing: r.diff.missing, unexpected: r.diff.unexpected } }
        : {}),
    })),
  };
}

/** `planner plan` ran the unit tests first and some failed: nothing was planned or applied. */
export class UnitTestsFailedError extends PlannerError {
  constructor(readonly results: readonly UnitTestResult[]) {
    const failed = results.filter((r) => r.status !== 'passed');
    super('unit_tests_failed', `${failed.length} of ${results.length} unit tests failed (${failed.map((r) => r.test.name).join(', ')}); nothing was planned`, {
      exitCode: 1,
      hint: 'run `planner test` to see the differences; pass --skip-tests to plan anyway',
    });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), tests: unitTestJson(this.results) };
  }
}
