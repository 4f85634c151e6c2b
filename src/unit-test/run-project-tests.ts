import type { ResolvedConfig } from '../config/types.js';
import { loadProject, type Project } from '../model/load-project.js';
import { loadUnitTests, type UnitTest } from './load-tests.js';
import { runUnitTests, type UnitTestResult } from './run-unit-tests.js';

/**
 * Loads the project's `tests/*.yaml`, keeps those `select` picks, and runs them against
 * the project's models as an environment sees them (`variables`: its values, which
 * may pick a SEED's file or a model's @VAR; a test's own `vars` win). A project without
 * tests costs nothing: its models are not even loaded.
 */
export async function runProjectTests(
  config: ResolvedConfig,
  select: readonly string[] = [],
  variables = config.variables,
  loaded?: () => Promise<Project>,
): Promise<UnitTestResult[]> {
  const tests = loadUnitTests(config.projectDir).filter((t) => selected(t, select));
  if (!tests.length) return [];
  // `loaded`: a project the caller already read (a plan), instead of reading it again.
  const project = await (loaded ? loaded() : loadProject(config, variables));
  return runUnitTests(tests, project, config, variables);
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
