import { environmentSettings } from '../../config/environment-settings.js';
import { loadConfig } from '../../config/load-config.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { runProjectTests } from '../../unit-test/run-project-tests.js';
import { InputError } from '../../errors.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import { renderUnitTestReport, unitTestJson } from '../render/unit-test-report.js';
import type { GlobalOptions } from './global-options.js';
import { EXCLUDE_OPTION, SELECT_OPTION } from './select-options.js';
import { jsonText } from '../render/json.js';

export interface TestCommandOptions extends GlobalOptions {
  /** `file::name`, test names, model names or parts of file paths; none: every test. */
  tests?: string[];
  /** Model selectors (model/selectors.ts): only the tests of these models, less the excluded ones. */
  select?: string[];
  exclude?: string[];
  /** Load the project with this environment's variables (default prod's). */
  environment?: string;
}

/** `planner test [TEST..] [--env ENV]`: runs the unit tests in an in-memory DuckDB; exit 1 when one fails. */
export async function testCommand(opts: TestCommandOptions, io: CliIO): Promise<number> {
  const config = await loadConfig(opts.project, opts.secrets);
  const environment = validateEnvironmentName(opts.environment ?? 'prod');
  const variables = environmentSettings(config, environment).variables;
  const results = await runProjectTests(config, opts.tests ?? [], variables, undefined, { select: opts.select, exclude: opts.exclude });
  const asked = [...(opts.tests ?? []), ...(opts.select ?? [])];
  if (!results.length && asked.length) {
    throw new InputError(`no unit test matches ${asked.map((s) => `'${s}'`).join(', ')}`, { code: 'unknown_test', hint: 'name a test, a test file, or a model; see tests/*.yaml' });
  }
  const failed = results.some((r) => r.status !== 'passed');
  if (opts.json) io.out(jsonText(unitTestJson(results)));
  else io.out(results.length ? renderUnitTestReport(results) : 'No unit tests found (tests/*.yaml).');
  return failed ? 1 : 0;
}

export const testSpec = defineCommand({
  command: 'test [tests..]',
  describe: 'run the unit tests in tests/*.yaml against in-memory input rows',
  examples: [
    ["planner test", "run every unit test"],
    ["planner test tests/customers.yaml::test_customers", "run one test"],
    ["planner test --select '+analytics.customers'", "run the tests of a model and of the models it reads"],
  ],
  builder: (y) =>
    y
      .option('select', SELECT_OPTION)
      .option('exclude', EXCLUDE_OPTION)
      .positional('tests', { type: 'string', array: true, describe: 'file::test, a test name, a model name or part of a file path' })
      .option('env', { type: 'string', describe: "load the models with this environment's variables (default prod)" }),
  handler: (args, io) => testCommand({ ...args, environment: args.env }, io),
});
