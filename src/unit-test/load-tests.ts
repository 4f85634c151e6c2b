import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Node, YAMLMap } from 'yaml';
import { InputError } from '../errors.js';
import { discoverFiles } from '../model/load-project.js';
import { lazyRequire } from '../util/lazy-require.js';

// Loaded on first use: a plan runs the project's tests, and most projects have no test files.
const yaml = lazyRequire<typeof import('yaml')>('yaml');

/** Rows as written in YAML: column name -> value. */
export type TestRow = Record<string, unknown>;

/** Rows for one table, with optional declared column types. */
export interface TestTable {
  rows: TestRow[];
  /** column -> SQL type, for columns whose type the values do not show (or no rows at all). */
  columns?: Record<string, string>;
  /** An input given as SQL (SQLMesh's `query:`): its rows are the table's; `rows` is then empty. */
  query?: string;
}

/** Expected rows. `partial`: only the listed columns are compared. */
export type ExpectedTable = TestTable & { partial: boolean };

export interface ExpectedCte {
  name: string;
  line: number;
  column: number;
  expected: ExpectedTable;
}

/** One unit test, in SQLMesh's shape. */
export interface UnitTest {
  name: string;
  /** Path relative to the project. */
  file: string;
  line: number;
  model: string;
  /** Upstream model or external table name (lowercase) -> its rows. */
  inputs: Map<string, TestTable>;
  /** Expected rows of the model's query (absent when the test checks only CTEs). */
  expected?: ExpectedTable;
  /** Expected rows of named CTEs of the model's query (SQLMesh's `outputs.ctes`), with where each is named. */
  ctes: ExpectedCte[];
  /** Values for @VAR, and `start`, `end`, `execution_time` for the time macros. */
  vars: Record<string, unknown>;
  description?: string;
}

const TEST_KEYS = new Set(['model', 'inputs', 'outputs', 'vars', 'description']);
const OUTPUT_KEYS = ['query', 'ctes', 'partial'];

/** Reads `tests/*.yaml` (and `.yml`). Test names must be unique across files. */
export function loadUnitTests(projectDir: string): UnitTest[] {
  const dir = join(projectDir, 'tests');
  const files = [...discoverFiles(dir, '.yaml'), ...discoverFiles(dir, '.yml')].sort();
  const out: UnitTest[] = [];
  const seen = new Map<string, string>();
  for (const abs of files) {
    const file = relative(projectDir, abs).split(sep).join('/');
    for (const test of readTestFile(readFileSync(abs, 'utf8'), file)) {
      const other = seen.get(test.name);
      if (other) throw new InputError(`test ${test.name} is defined twice (also in ${other})`, { location: { file, line: test.line }, code: 'invalid_test' });
      seen.set(test.name, file);
      out.push(test);
    }
  }
  return out;
}

/** Parses one YAML file of tests; every problem names the file, line and test. */
export function readTestFile(text: string, file: string): UnitTest[] {
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    throw new InputError(`YAML does not parse: ${e.message.split('\n')[0]}`, { location: { file, line: pos.line, column: pos.col }, code: 'invalid_test' });
  }
  const at = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 });
  const fail = (message: string, node?: Node | null): never => {
    const pos = at(node);
    throw new InputError(message, { location: { file, line: pos.line, column: pos.col }, code: 'invalid_test' });
  };
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) fail('a test file maps test names to tests', doc.contents);
  const tests: UnitTest[] = [];
  for (const pair of (doc.contents as { items: { key: unknown; value: unknown }[] }).items) {
    const keyNode = pair.key as Node;
    const name = isScalar(keyNode) ? String(keyNode.value) : fail('a test name must be text', keyNode);
    const value = pair.value as Node | null;
    if (!isMap(value)) fail(`test ${name}: expected model, inputs and outputs`, value ?? keyNode);
    const body = (value as Node).toJSON() as Record<string, unknown>;
    // Errors point at the key of the offending entry (`outputs:`), where a person looks.
    const where = (key: string) => ((value as unknown as { items: { key: Node }[] }).items.find((i) => isScalar(i.key) && i.key.value === key)?.key ?? keyNode) as Node;
    for (const k of Object.keys(body)) if (!TEST_KEYS.has(k)) fail(`test ${name}: unknown key '${k}' (known: ${[...TEST_KEYS].join(', ')})`, where(k));
    if (typeof body.model !== 'string' || !body.model) fail(`test ${name}: 'model' must name the model under test`, where('model'));
    const inputs = new Map<string, TestTable>();
    if (body.inputs !== undefined) {
      if (!isObject(body.inputs)) fail(`test ${name}: 'inputs' maps table names to rows`, where('inputs'));
      for (const [table, rows] of Object.entries(body.inputs as Record<string, unknown>)) {
        inputs.set(table.toLowerCase(), readTable(rows, (m) => fail(`test ${name}: input ${table}: ${m}`, where('inputs')), true));
      }
    }
    const outputs = body.outputs;
    if (!isObject(outputs) || (outputs.query === undefined && outputs.ctes === undefined)) fail(`test ${name}: 'outputs' needs 'query' or 'ctes' with the expected rows`, where('outputs'));
    const out = outputs as Record<string, unknown>;
    const outputKeys = Object.keys(out).filter((k) => !OUTPUT_KEYS.includes(k));
    if (outputKeys.length) fail(`test ${name}: unknown key outputs.${outputKeys[0]} (known: ${OUTPUT_KEYS.join(', ')})`, where('outputs'));
    if (out.partial !== undefined && typeof out.partial !== 'boolean') fail(`test ${name}: outputs.partial must be true or false`, where('outputs'));
    // As in SQLMesh: `outputs.partial` applies to every output; each output's own `partial` wins.
    const expected = (value: unknown, what: string): ExpectedTable => {
      const own = isObject(value) ? value.partial : undefined;
      if (own !== undefined && typeof own !== 'boolean') fail(`test ${name}: ${what}.partial must be true or false`, where('outputs'));
      const table = readTable(isObject(value) ? withoutKey(value, 'partial') : value, (m) => fail(`test ${name}: ${what}: ${m}`, where('outputs')));
      return { ...table, partial: (own as boolean | undefined) ?? out.partial === true };
    };
    const ctes: ExpectedCte[] = [];
    if (out.ctes !== undefined) {
      if (!isObject(out.ctes)) fail(`test ${name}: outputs.ctes maps CTE names to rows`, where('outputs'));
      const cteNodes = childMap(childMap(value, 'outputs'), 'ctes');
      for (const [cte, rows] of Object.entries(out.ctes as Record<string, unknown>)) {
        const pos = at(cteNodes?.items.find((i) => isScalar(i.key) && i.key.value === cte)?.key ?? where('outputs'));
        ctes.push({ name: cte, line: pos.line, column: pos.col, expected: expected(rows, `outputs.ctes.${cte}`) });
      }
    }
    if (body.vars !== undefined && !isObject(body.vars)) fail(`test ${name}: 'vars' maps variable names to values`, where('vars'));
    tests.push({
      name,
      file,
      line: at(keyNode).line,
      model: (body.model as string).toLowerCase(),
      inputs,
      expected: out.query === undefined ? undefined : expected(out.query, 'outputs.query'),
      ctes,
      vars: (body.vars as Record<string, unknown>) ?? {},
      description: typeof body.description === 'string' ? body.description : undefined,
    });
  }
  return tests;
}

/** `rows:` (optionally with `columns:`), the list of rows itself, or (an input) `query:` SQL. */
function readTable(value: unknown, fail: (m: string) => never, input = false): TestTable {
  if (input && isObject(value) && value.query !== undefined) {
    const extra = Object.keys(value).filter((k) => k !== 'query');
    if (extra.length) fail(`'query' gives the rows: '${extra[0]}' cannot be set beside it`);
    if (typeof value.query !== 'string' || !value.query.trim()) fail("'query' must be SQL text");
    return { rows: [], query: (value.query as string).trim().replace(/;\s*$/, '') };
  }
  const rows = Array.isArray(value) ? value : isObject(value) ? value.rows ?? [] : fail('expected a list of rows, or rows: [...]');
  if (isObject(value)) {
    const known = input ? ['rows', 'columns', 'query'] : ['rows', 'columns'];
    const extra = Object.keys(value).filter((k) => !known.includes(k));
    if (extra.length) fail(`unknown key '${extra[0]}' (known: ${known.join(', ')})`);
  }
  if (!Array.isArray(rows)) fail("'rows' must be a list");
  for (const [i, row] of (rows as unknown[]).entries()) {
    if (!isObject(row)) fail(`row ${i + 1} must map column names to values`);
    for (const [k, v] of Object.entries(row as object)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`row ${i + 1}: '${k}' is not a column name`);
      if (isObject(v) || Array.isArray(v)) fail(`row ${i + 1}: column ${k} holds a list or a map; use a scalar value`);
    }
  }
  const columns = isObject(value) ? value.columns : undefined;
  if (columns !== undefined && (!isObject(columns) || Object.values(columns).some((t) => typeof t !== 'string'))) fail("'columns' maps column names to SQL types");
  return { rows: rows as TestRow[], columns: columns as Record<string, string> | undefined };
}

/** The map node under `key` of a map node, if there is one. */
function childMap(node: unknown, key: string): YAMLMap<Node, Node> | undefined {
  const { isMap, isScalar } = yaml();
  if (!isMap(node)) return undefined;
  const child = (node as YAMLMap<Node, Node>).items.find((i) => isScalar(i.key) && i.key.value === key)?.value;
  return isMap(child) ? (child as YAMLMap<Node, Node>) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function withoutKey(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = obj;
  return rest;
}
