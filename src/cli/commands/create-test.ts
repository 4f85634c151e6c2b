import { parse } from 'yaml';
import { Context } from '../../context.js';
import { InputError } from '../../errors.js';
import { loadProject } from '../../model/load-project.js';
import { createUnitTest, type CreateTestOptions } from '../../unit-test/create-test.js';
import { runProjectTests } from '../../unit-test/run-project-tests.js';
import type { CliIO } from '../io.js';
import { jsonText } from '../render/json.js';
import { renderUnitTestReport, unitTestJson } from '../render/unit-test-report.js';
import type { GlobalOptions } from './global-options.js';

export interface CreateTestCommandOptions extends GlobalOptions, Omit<CreateTestOptions, 'queries' | 'vars'> {
  /** `--query PARENT SQL`, repeated: flat pairs as yargs gives them. */
  query?: string[];
  /** `--var NAME VALUE`, repeated; each value read as YAML (10 is a number, 2024-01-01 text). */
  var?: string[];
  environment?: string;
}

/**
 * `planner test --create MODEL`: writes tests/test_<model>.yaml from rows the environment's
 * tables hold now (SQLMesh's `create_test`), then runs it, so what was written is shown to pass.
 */
export async function createTestCommand(opts: CreateTestCommandOptions, io: CliIO): Promise<number> {
  const queries = Object.fromEntries(pairs(opts.query, '--query PARENT SQL'));
  const vars = Object.fromEntries(pairs(opts.var, '--var NAME VALUE').map(([k, v]) => [k, parse(v) as unknown]));
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) throw new InputError(`--limit must be a whole number of rows, at least 1`, { code: 'invalid_option' });
  const environment = opts.environment ?? 'prod';
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, environment);
  let created;
  try {
    const variables = ctx.settings(environment).variables;
    const { start: _s, end: _e, execution_time: _x, ...modelVars } = vars;
    // Macros expand when a project loads, so variables the test sets load it as `planner test` will.
    const project = Object.keys(modelVars).length ? await loadProject(ctx.config, { ...variables, ...modelVars }) : await ctx.loadProject(environment);
    created = await createUnitTest(ctx.config, project, (sql) => ctx.fetch(sql, environment), { ...opts, queries, vars }, variables);
  } finally {
    await ctx.close();
  }
  const results = await runProjectTests(ctx.config, [`${created.file}::${created.name}`], ctx.settings(environment).variables);
  if (opts.json) io.out(jsonText({ created, ...unitTestJson(results) }));
  else {
    const inputs = created.inputs.map((i) => `${i.rows} ${i.rows === 1 ? 'row' : 'rows'} of ${i.name}`).join(', ');
    io.out(`Wrote ${created.file}: test ${created.name} with ${inputs || 'no inputs'}; the model returns ${created.rows} ${created.rows === 1 ? 'row' : 'rows'}.`);
    io.out(renderUnitTestReport(results));
  }
  return results.every((r) => r.status === 'passed') ? 0 : 1;
}

function pairs(flat: string[] | undefined, usage: string): [string, string][] {
  const list = flat ?? [];
  if (list.length % 2) throw new InputError(`${usage} takes two values`, { code: 'invalid_option' });
  return Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]]);
}
