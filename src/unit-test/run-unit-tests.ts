import { kindStrategy } from '../kinds/registry.js';
import type { ResolvedConfig } from '../config/types.js';
import { createEngine } from '../engine/create-engine.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { validateColumnType } from '../util/column-types.js';
import { InputError } from '../errors.js';
import { knownColumns } from '../model/external-references.js';
import type { Project } from '../model/load-project.js';
import type { Model, TableReference } from '../model/model.js';
import { readsItself } from '../model/self-reference.js';
import { renderQuery, sqlLiteral, type RenderTimes } from '../model/render.js';
import { quoteIdent, quoteTable, type TableName } from '../util/identifiers.js';
import { compareRows, isSame, type RowDiff } from './compare-rows.js';
import type { ExpectedTable, TestTable, UnitTest } from './load-tests.js';
import { queryCtes, type QueryCte, type QueryWith } from '../model/query-ctes.js';
import { textRows, type TextRows } from './text-rows.js';
import { freezeTime } from './frozen-time.js';
import { suggestion } from '../util/did-you-mean.js';

/** The outcome of one unit test. */
export type UnitTestResult =
  | { test: UnitTest; status: 'passed'; ms: number }
  | { test: UnitTest; status: 'failed'; ms: number; diff: RowDiff; sql: string; cte?: string }
  | { test: UnitTest; status: 'error'; ms: number; message: string; sql?: string; cte?: string };

const INPUT_SCHEMA = 'unit_test_inputs';

/**
 * Runs unit tests in one in-memory DuckDB: each test's input rows become tables, the
 * model's references are rewritten to them (EMBEDDED parents without inputs are inlined,
 * as in a real build), and the query's rows are compared with the expected ones.
 * Nothing touches the project's warehouse.
 */
export async function runUnitTests(tests: readonly UnitTest[], project: Project, config: ResolvedConfig, variables = config.variables, now = new Date()): Promise<UnitTestResult[]> {
  for (const t of tests) {
    if (!project.models.has(t.model)) {
      throw new InputError(`test ${t.name}: unknown model '${t.model}'`, { location: { file: t.file, line: t.line }, code: 'invalid_test' });
    }
    const model = project.models.get(t.model)!;
    if (!model.query) throw new InputError(`test ${t.name}: model ${t.model} is a ${model.kind.name} model and has no query to test`, { location: { file: t.file, line: t.line }, code: 'invalid_test' });
  }
  if (!tests.length) return [];
  const engine = await createEngine({ type: 'duckdb', path: ':memory:' }, config.projectDir);
  try {
    await engine.createSchema(INPUT_SCHEMA);
    const results: UnitTestResult[] = [];
    for (const [i, test] of tests.entries()) results.push(await runOne(test, i, project, variables, engine, now));
    return results;
  } finally {
    await engine.close();
  }
}

async function runOne(test: UnitTest, index: number, project: Project, variables: Record<string, unknown>, engine: EngineAdapter, now: Date): Promise<UnitTestResult> {
  const started = Date.now();
  const model = project.models.get(test.model)!;
  const tables = new Map<string, TableName>();
  let sql: string | undefined;
  try {
    sql = await prepare(test, index, project, variables, engine, now, tables);
    // As in SQLMesh: each CTE named under outputs.ctes first, then the query itself.
    if (test.ctes.length) {
      const withClause = await queryCtes(sql, model.dialect);
      for (const cte of test.ctes) {
        const found = withClause.ctes.find((c) => c.name === cte.name.toLowerCase());
        if (!found) {
          const names = withClause.ctes.map((c) => c.name);
          throw new InputError(`test ${test.name}: model ${model.name} has no CTE named '${cte.name}' (${names.length ? suggestion(cte.name, names) : 'its query has no WITH clause'})`, {
            location: { file: test.file, line: cte.line, column: cte.column },
            code: 'invalid_test',
          });
        }
        const cteSql = cteQuery(sql, withClause, found);
        // The grain is the model's, not the CTE's: a CTE's differing rows are not paired.
        const outcome = await check(engine, cteSql, cte.expected, []);
        if (outcome) return { test, ms: Date.now() - started, sql: cteSql, cte: found.name, ...outcome };
      }
    }
    if (test.expected) {
      const outcome = await check(engine, sql, test.expected, model.grain.map((g) => g.toLowerCase()));
      if (outcome) return { test, ms: Date.now() - started, sql, ...outcome };
    }
    return { test, status: 'passed', ms: Date.now() - started };
  } catch (err) {
    if (err instanceof InputError) throw err;
    return { test, status: 'error', ms: Date.now() - started, message: (err as Error).message, sql };
  } finally {
    for (const t of tables.values()) await engine.dropTable(t).catch(() => undefined);
  }
}

/** What the model's query returns on a test's inputs, and (with `ctes`) what each top-level CTE returns: the rows `planner test --create` writes. */
export async function modelOutputs(test: UnitTest, project: Project, config: ResolvedConfig, variables: Record<string, unknown>, ctes: boolean, now = new Date()): Promise<{ query: TextRows; ctes: { name: string; rows: TextRows }[] }> {
  const engine = await createEngine({ type: 'duckdb', path: ':memory:' }, config.projectDir);
  try {
    await engine.createSchema(INPUT_SCHEMA);
    const sql = await prepare(test, 0, project, variables, engine, now, new Map());
    const run = (q: string) => engine.query(q);
    const withClause = ctes ? await queryCtes(sql, project.models.get(test.model)!.dialect) : { ctes: [], end: 0 };
    const cteRows: { name: string; rows: TextRows }[] = [];
    for (const cte of withClause.ctes) cteRows.push({ name: cte.name, rows: await textRows(run, cteQuery(sql, withClause, cte)) });
    return { query: await textRows(run, sql), ctes: cteRows };
  } finally {
    await engine.close();
  }
}

/** Creates the test's input tables (recorded in `tables`) and renders the model's query to read them. */
async function prepare(test: UnitTest, index: number, project: Project, variables: Record<string, unknown>, engine: EngineAdapter, now: Date, tables: Map<string, TableName>): Promise<string> {
  const model = project.models.get(test.model)!;
  const inputs = new Map(test.inputs);
  // As in SQLMesh: a model reading its own table sees an empty one unless the test gives its rows.
  if (readsItself(model) && !inputs.has(model.name)) inputs.set(model.name, { rows: [], columns: Object.fromEntries((model.columns ?? []).map((c) => [c.name, c.type])) });
  for (const [j, [name, input]] of [...inputs.entries()].entries()) {
    const table = { schema: INPUT_SCHEMA, table: `t${index}_${j}` };
    await createInput(engine, table, input, knownColumns(project, name));
    tables.set(name, table);
  }
  const { start, end, execution_time: execution, ...vars } = test.vars;
  const times = renderTimes(model, start, end, execution, now);
  const sql = renderForTest(model, project, tables, times, { ...variables, ...vars }, test);
  // As in SQLMesh: a test that sets execution_time freezes the query's current time at it.
  return execution === undefined ? sql : freezeTime(sql, times.execution);
}

/** One CTE's rows, as SQLMesh runs it: the query's WITH clause, then `SELECT * FROM` the CTE. */
function cteQuery(sql: string, withClause: QueryWith, cte: QueryCte): string {
  return `${sql.slice(0, withClause.end)}\nSELECT * FROM ${cte.text}`;
}

/** Runs `sql` and compares its rows with `expected`; undefined when they match. */
async function check(engine: EngineAdapter, sql: string, expected: ExpectedTable, grain: string[]): Promise<{ status: 'failed'; diff: RowDiff } | { status: 'error'; message: string } | undefined> {
  const result = await engine.query(sql);
  const actualColumns = result.columns.map((c) => c.name);
  const expectedColumns = [...new Set([...Object.keys(expected.columns ?? {}), ...expected.rows.flatMap((r) => Object.keys(r))])];
  const unknown = expectedColumns.filter((c) => !actualColumns.includes(c));
  if (unknown.length) return { status: 'error', message: `expected column ${unknown.map((c) => `'${c}'`).join(', ')} is not in the output (columns: ${actualColumns.join(', ')})` };
  // As in SQLMesh: a column left out of the expected rows is expected to be NULL, unless `partial: true`.
  const diff = compareRows(expected.rows, result.rows, expected.partial ? expectedColumns : actualColumns, grain);
  return isSame(diff) ? undefined : { status: 'failed', diff };
}

/** The model's query with every reference pointing at an input table. */
function renderForTest(model: Model, project: Project, tables: Map<string, TableName>, times: RenderTimes, variables: Record<string, unknown>, test: UnitTest): string {
  const resolve = (ref: TableReference): string => {
    const name = (ref.schema ? `${ref.schema}.${ref.table}` : ref.table).toLowerCase();
    const table = tables.get(name);
    const alias = ref.alias ? '' : ` AS ${quoteIdent(ref.table.toLowerCase())}`;
    if (table) return `${quoteTable(table)}${alias}`;
    const parent = project.models.get(name);
    if (parent && kindStrategy(parent.kind).reference === 'inline') return `(${renderForTest(parent, project, tables, times, variables, test)})${alias}`;
    throw new InputError(`test ${test.name}: no input rows for ${name}, which ${model.name} reads`, {
      location: { file: test.file, line: test.line },
      code: 'invalid_test',
      hint: `add it under inputs: (an empty table: ${name}: { rows: [], columns: { col: TYPE } })`,
    });
  };
  const self = tables.get(model.name) ?? { schema: INPUT_SCHEMA, table: 'this_model' };
  return renderQuery({ ...model, variables: { ...model.variables, ...variables } }, resolve, times, quoteTable(self));
}

/**
 * Creates an input table: the test's declared types first, then the parent's declared
 * columns (a model's header, or external_models.yaml), then types read off the values.
 */
async function createInput(engine: EngineAdapter, table: TableName, input: TestTable, parentColumns: { name: string; type?: string }[] | undefined): Promise<void> {
  // SQL from the project, like the model's own query, run in the test's in-memory DuckDB.
  if (input.query !== undefined) return engine.createTableAs(table, `SELECT * FROM (${input.query}) AS test_input`);
  const names = [...new Set([...Object.keys(input.columns ?? {}), ...input.rows.flatMap((r) => Object.keys(r))])];
  if (!names.length) throw new Error(`an input with no rows needs 'columns' to give its shape`);
  const declared = new Map((parentColumns ?? []).filter((c) => c.type).map((c) => [c.name.toLowerCase(), c.type!]));
  const types = names.map((n) => validateColumnType(input.columns?.[n] ?? declared.get(n.toLowerCase()) ?? inferType(input.rows.map((r) => r[n])), n));
  await engine.execute(`CREATE TABLE ${quoteTable(table)} (${names.map((n, i) => `${quoteIdent(n)} ${types[i]}`).join(', ')})`);
  if (!input.rows.length) return;
  const values = input.rows.map((r) => `(${names.map((n, i) => `CAST(${sqlLiteral(r[n] ?? null)} AS ${types[i]})`).join(', ')})`);
  await engine.execute(`INSERT INTO ${quoteTable(table)} VALUES ${values.join(', ')}`);
}

/** The narrowest type that holds every given value. */
function inferType(values: unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return 'VARCHAR';
  if (present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  if (present.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'BIGINT';
  if (present.every((v) => typeof v === 'number')) return 'DOUBLE';
  if (present.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))) return 'DATE';
  if (present.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v))) return 'TIMESTAMP';
  return 'VARCHAR';
}

/** Times for the macros: `start`/`end` are inclusive days, as in SQLMesh's test vars. */
function renderTimes(model: Model, start: unknown, end: unknown, execution: unknown, now: Date): RenderTimes {
  const day = (v: unknown, what: string): Date => {
    const d = new Date(`${String(v).slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) throw new Error(`vars.${what} must be a date 'YYYY-MM-DD'`);
    return d;
  };
  // A time zone in the text ('2023-01-01 12:05:03+02:00') gives the instant, in UTC as SQLMesh normalizes it; without one it is UTC.
  const text = String(execution).trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text.slice(10));
  const exec = execution !== undefined ? new Date(text.length <= 10 ? `${text}T00:00:00Z` : zoned ? text.replace(/([+-]\d{2})$/, '$1:00').replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : `${text}Z`) : now;
  if (Number.isNaN(exec.getTime())) throw new Error(`vars.execution_time must be a date or 'YYYY-MM-DD HH:MM:SS'`);
  const from = start !== undefined ? day(start, 'start') : model.start ? day(model.start, 'start') : new Date(0);
  const to = end !== undefined ? new Date(day(end, 'end').getTime() + 86400000) : new Date(Date.UTC(exec.getUTCFullYear(), exec.getUTCMonth(), exec.getUTCDate()));
  return { start: from, end: to, execution: exec };
}
