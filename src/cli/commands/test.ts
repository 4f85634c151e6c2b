import { environmentSettings } from '../../config/environment-settings.js';
import { loadConfig } from '../../config/load-config.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { runProjectTests } from '../../unit-test/run-project-tests.js';
import { InputError } from '../../errors.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderUnitTestReport, unitTestJson } from '../render/unit-test-report.js';
import type { GlobalOptions } from './global-options.js';

export interface TestCommandOptions extends GlobalOptions {
  /** `file::name`, test names, model names or parts of file paths; none: every test. */
  select?: string[];
  /** Load the project with this environment's variables (default prod's). */
  environment?: string;
}

/** `planner test [TEST..] [--env ENV]`: runs the unit tests in an in-memory DuckDB; exit 1 when one fails. */
export async function testCommand(opts: TestCommandOptions, io: CliIO): Promise<number> {
  const config = await loadConfig(opts.project, opts.secrets);
  const environment = validateEnvironmentName(opts.environment ?? 'prod');
  const results = await runProjectTests(config, opts.select ?? [], environmentSettings(config, environment).variables);
  if (!results.length && opts.select?.length) {
    throw new InputError(`no unit test matches ${opts.select.map((s) => `'${s}'`).join(', ')}`, { code: 'unknown_test', hint: 'name a test, a test file, or a model; see tests/*.yaml' });
  }
  const failed = results.some((r) => r.status !== 'passed');
  if (opts.json) io.out(JSON.stringify(unitTestJson(results), null, 2));
  else io.out(results.length ? renderUnitTestReport(results) : 'No unit tests found (tests/*.yaml).');
  return failed ? 1 : 0;
}

export const testSpec = defineCommand({
  command: 'test [select..]',
  describe: 'run the unit tests in tests/*.yaml against in-memory input rows',
  examples: [
    ["planner test", "run every unit test"],
    ["planner test tests/customers.yaml::test_customers", "run one test"],
  ],
  builder: (y) =>
    y
      .positional('select', { type: 'string', array: true, describe: 'file::test, a test name, a model name or part of a file path' })
      .option('env', { type: 'string', describe: "load the models with this environment's variables (default prod)" }),
  handler: (args, io) => testCommand({ ...args, select: args.select, environment: args.env }, io),
});
