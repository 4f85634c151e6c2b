import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config/types.js';
import type { QueryResult } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import { knownColumns } from '../model/external-references.js';
import type { Project } from '../model/load-project.js';
import type { Model } from '../model/model.js';
import { validateColumnType } from '../util/column-types.js';
import { suggestion } from '../util/did-you-mean.js';
import { quoteIdent } from '../util/identifiers.js';
import { loadUnitTests, readTestFile } from './load-tests.js';
import { modelOutputs } from './run-unit-tests.js';
import { testColumnType, textRows, yamlValue, type TextRows } from './text-rows.js';

/** SQLMesh's `create_test` takes a query per parent; its docs' example reads `LIMIT 3` rows, the default here. */
export const CREATE_TEST_LIMIT = 3;

export interface CreateTestOptions {
  model: string;
  /** Parent name -> SQL giving its rows (run on the warehouse, model names as the environment sees them). */
  queries?: Record<string, string>;
  /** Rows read from each parent without a query. */
  limit?: number;
  /** Test name (default `test_<table>`) and file under tests/ (default `<name>.yaml`). */
  name?: string;
  path?: string;
  overwrite?: boolean;
  /** The test's `vars` (start, end, execution_time, @VAR values). */
  vars?: Record<string, unknown>;
  /** Also write each top-level CTE's rows under outputs.ctes. */
  includeCtes?: boolean;
}

export interface CreatedTest {
  name: string;
  /** Path relative to the project. */
  file: string;
  inputs: { name: string; rows: number }[];
  rows: number;
}

/**
 * SQLMesh's `create_test`: reads rows of each table the model reads (the given query,
 * or the first `limit` rows of the parent as `fetch`'s environment sees it), runs the
 * model on them in the unit tests' in-memory DuckDB and writes the test, so it passes as
 * written. Input columns are written with their types, so values come back as they were.
 */
export async function createUnitTest(
  config: ResolvedConfig,
  project: Project,
  fetch: (sql: string) => Promise<QueryResult>,
  options: CreateTestOptions,
  variables: Record<string, unknown>,
): Promise<CreatedTest> {
  const model = modelToTest(project, options.model);
  const sources = sourcesOf(model, project);
  for (const name of Object.keys(options.queries ?? {})) {
    if (!sources.includes(name.toLowerCase())) {
      throw new InputError(`--query ${name}: ${model.name} does not read ${name} (${suggestion(name, sources)})`, { code: 'invalid_option' });
    }
  }
  const name = options.name ?? `test_${model.table}`;
  const rel = options.path ? (/\.ya?ml$/i.test(options.path) ? options.path : `${options.path}.yaml`) : `${name}.yaml`;
  const abs = join(config.projectDir, 'tests', rel);
  const file = relative(config.projectDir, abs).split(sep).join('/');
  if (file.startsWith('..')) throw new InputError(`--path ${options.path} leaves the project's tests/ folder`, { code: 'invalid_option' });
  if (existsSync(abs) && !options.overwrite) {
    throw new InputError(`${file} already exists`, { code: 'test_exists', hint: 'pass --overwrite to replace it, or --path / --name to write another file' });
  }
  const other = loadUnitTests(config.projectDir).find((t) => t.name === name && t.file !== file);
  if (other) throw new InputError(`a test named ${name} already exists in ${other.file}`, { code: 'test_exists', hint: 'pick another name with --name' });

  const limit = options.limit ?? CREATE_TEST_LIMIT;
  const queries = new Map(Object.entries(options.queries ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/;\s*$/, '')]));
  const inputs: Record<string, { columns: Record<string, string>; rows: Record<string, unknown>[] }> = {};
  for (const source of sources) {
    const sql = queries.get(source) ?? `SELECT * FROM ${quoteName(source)} LIMIT ${limit}`;
    const rows = await textRows(fetch, sql);
    const declared = new Map((knownColumns(project, source) ?? []).filter((c) => c.type).map((c) => [c.name.toLowerCase(), c.type!]));
    const columns = Object.fromEntries(rows.columns.map((c) => [c.name, inputType(declared.get(c.name.toLowerCase()) ?? c.type, c.name)]));
    inputs[source] = { columns, rows: yamlRows(rows) };
  }
  const vars = options.vars ?? {};
  const body: Record<string, unknown> = { model: model.name, inputs, outputs: { query: [] } };
  if (Object.keys(vars).length) body.vars = vars;
  // The test as it will be read back, so the model runs exactly as `planner test` will run it.
  const [draft] = readTestFile(stringify({ [name]: body }), file);
  const outputs = await modelOutputs(draft, project, config, { ...variables }, options.includeCtes === true);
  const out: Record<string, unknown> = {};
  if (outputs.ctes.length) out.ctes = Object.fromEntries(outputs.ctes.map((c) => [c.name, yamlRows(c.rows)]));
  out.query = yamlRows(outputs.query);
  body.outputs = out;
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, stringify({ [name]: body }, { lineWidth: 0 }));
  return { name, file, inputs: sources.map((s) => ({ name: s, rows: inputs[s].rows.length })), rows: outputs.query.rows.length };
}

function modelToTest(project: Project, wanted: string): Model {
  const model = project.models.get(wanted.toLowerCase());
  if (!model) throw new InputError(`unknown model '${wanted}' (${suggestion(wanted, [...project.models.keys()])})`, { code: 'unknown_model' });
  if (!model.query) throw new InputError(`model ${model.name} is a ${model.kind.name} model and has no query to test`, { code: 'invalid_option' });
  return model;
}

/** The tables a test of `model` needs rows for: its parents and externals, looking through parents a build inlines (EMBEDDED). */
function sourcesOf(model: Model, project: Project, seen = new Set<string>([model.name])): string[] {
  const out: string[] = [];
  for (const name of [...model.parents, ...model.externals]) {
    if (seen.has(name)) continue;
    seen.add(name);
    const parent = project.models.get(name);
    if (parent && kindStrategy(parent.kind).reference === 'inline') out.push(...sourcesOf(parent, project, seen));
    else out.push(name);
  }
  return out;
}

function quoteName(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** A type the test's DuckDB can declare; a type it cannot (a STRUCT, a MAP) is written as text. */
function inputType(type: string, column: string): string {
  try {
    return validateColumnType(testColumnType(type), column);
  } catch {
    return 'VARCHAR';
  }
}

function yamlRows(rows: TextRows): Record<string, unknown>[] {
  return rows.rows.map((r) => Object.fromEntries(rows.columns.map((c) => [c.name, yamlValue(r[c.name], c.type)])));
}

