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
import { createTestCommand } from './create-test.js';
import { CREATE_TEST_LIMIT } from '../../unit-test/create-test.js';

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
    ["planner test --create analytics.daily_revenue --limit 5", "write tests/test_daily_revenue.yaml from 5 rows of each table the model reads in prod, and run it"],
    [`planner test --create analytics.daily_revenue --query analytics.order_totals "SELECT * FROM analytics.order_totals WHERE order_date = '2024-01-02'" --env dev`, "the same, with the rows a query picks in dev"],
  ],
  builder: (y) =>
    y
      .option('select', SELECT_OPTION)
      .option('exclude', EXCLUDE_OPTION)
      .positional('tests', { type: 'string', array: true, describe: 'file::test, a test name, a model name or part of a file path' })
      .option('env', { type: 'string', describe: "load the models with this environment's variables (default prod); with --create, read its tables" })
      .option('create', { type: 'string', describe: "write a test of this model from the rows its parents' tables hold now (SQLMesh's create_test), then run it" })
      .option('query', { type: 'string', array: true, nargs: 2, describe: 'with --create: PARENT SQL, the rows to use for one parent (repeatable)' })
      .option('limit', { type: 'number', describe: `with --create: rows read from each parent without --query (default ${CREATE_TEST_LIMIT})` })
      .option('var', { type: 'string', array: true, nargs: 2, describe: "with --create: NAME VALUE, the test's vars (start, end, execution_time, @VAR names; repeatable)" })
      .option('name', { type: 'string', describe: 'with --create: the test name (default test_<model table>)' })
      .option('path', { type: 'string', describe: 'with --create: the file under tests/ (default <name>.yaml)' })
      .option('overwrite', { type: 'boolean', describe: 'with --create: replace an existing file' })
      .option('include-ctes', { type: 'boolean', describe: "with --create: also write each CTE's rows under outputs.ctes" }),
  handler: (args, io) => {
    const createOnly = (['query', 'limit', 'var', 'name', 'path', 'overwrite', 'includeCtes'] as const).filter((k) => args[k] !== undefined);
    if (args.create === undefined && createOnly.length) throw new InputError(`--${createOnly[0].replace('includeCtes', 'include-ctes')} goes with --create MODEL`, { code: 'invalid_option' });
    if (args.create !== undefined && (args.tests?.length || args.select?.length || args.exclude?.length)) throw new InputError('--create writes one test of one model: it takes no tests, --select or --exclude', { code: 'invalid_option' });
    return args.create !== undefined ? createTestCommand({ ...args, model: args.create, environment: args.env }, io) : testCommand({ ...args, environment: args.env }, io);
  },
});
