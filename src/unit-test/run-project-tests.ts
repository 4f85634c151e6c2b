import type { ResolvedConfig } from '../config/types.js';
import { loadProject, type Project } from '../model/load-project.js';
import { graphOf, isSelective, selectModels, type ModelSelection } from '../model/selectors.js';
import { loadUnitTests, type UnitTest } from './load-tests.js';
import { runUnitTests, type UnitTestResult } from './run-unit-tests.js';

/**
 * Loads the project's `tests/*.yaml`, keeps those `select` picks (and, with `models`, the
 * tests of the selected models), and runs them against
 * the project's models as an environment sees them (`variables`: its values, which
 * may pick a SEED's file or a model's @VAR; a test's own `vars` win). A project without
 * tests costs nothing: its models are not even loaded.
 */
export async function runProjectTests(
  config: ResolvedConfig,
  select: readonly string[] = [],
  variables = config.variables,
  loaded?: () => Promise<Project>,
  models: ModelSelection = {},
): Promise<UnitTestResult[]> {
  let tests = loadUnitTests(config.projectDir).filter((t) => selected(t, select));
  if (!tests.length) return [];
  // `loaded`: a project the caller already read (a plan), instead of reading it again.
  const project = await (loaded ? loaded() : loadProject(config, variables));
  if (isSelective(models)) {
    // `--select` / `--exclude`: the tests of the models the selectors pick in the local project.
    const picked = selectModels(graphOf(project.models.values()), models.select, models.exclude);
    tests = tests.filter((t) => picked.has(t.model));
    if (!tests.length) return [];
  }
  // Macros expand when a project loads, so a test whose `vars` set model variables runs
  // against the project loaded with them (once per distinct set).
  const groups = new Map<string, UnitTest[]>();
  for (const t of tests) {
    const { start: _s, end: _e, execution_time: _x, ...vars } = t.vars;
    const key = JSON.stringify(Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)));
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const results: UnitTestResult[] = [];
  for (const [key, group] of groups) {
    const vars = Object.fromEntries(JSON.parse(key) as [string, unknown][]);
    const own = Object.keys(vars).length ? await loadProject(config, { ...variables, ...vars }) : project;
    results.push(...(await runUnitTests(group, own, config, variables)));
  }
  return tests.map((t) => results.find((r) => r.test === t)!);
}

/** `file::name`, a test name, a model name, or a part of the file path. */
function selected(test: UnitTest, select: readonly string[]): boolean {
  if (!select.length) return true;
  return select.some((s) => {
    const [file, name] = s.includes('::') ? s.split('::') : [undefined, s];
    if (file !== undefined) return test.file.endsWith(file) && (!name || test.name === name);
    return test.name === s || test.model === s.toLowerCase() || test.file.includes(s);
  });
}
