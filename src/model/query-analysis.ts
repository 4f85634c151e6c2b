import { hashOf } from '../util/hash.js';
import { charOffsetOfByte } from '../util/text-position.js';
import type { QueryShape, TableReference } from './model.js';
import type { SelectStatementAst } from './sql-parser.js';

type Json = Record<string, unknown>;

/** Aggregates that collapse rows: a projection using one changes what a query returns. */
const AGGREGATES = new Set([
  'sum', 'count', 'count_star', 'avg', 'mean', 'min', 'max', 'array_agg', 'list', 'string_agg',
  'group_concat', 'listagg', 'first', 'last', 'any_value', 'arg_max', 'arg_min', 'max_by', 'min_by',
  'bool_and', 'bool_or', 'every', 'median', 'mode', 'stddev', 'stddev_pop', 'stddev_samp',
  'variance', 'var_pop', 'var_samp', 'quantile', 'quantile_cont', 'quantile_disc',
  'percentile_cont', 'percentile_disc', 'approx_count_distinct', 'histogram', 'json_agg',
  'jsonb_agg', 'json_object_agg', 'bit_and', 'bit_or', 'bit_xor', 'product', 'fsum', 'sumkahan',
]);

/**
 * Reads what planning needs out of a parsed query: the tables it references (not CTEs),
 * with their positions, and the hashes that fingerprints and categorization use.
 * `template` is the text that was parsed; positions come back as character offsets.
 */
export function analyzeQuery(ast: SelectStatementAst, template: string): { references: TableReference[]; shape: QueryShape } {
  const references: TableReference[] = [];
  collectReferences(ast.node, [], template, references);
  references.sort((a, b) => a.start - b.start);
  return { references, shape: queryShape(ast.node) };
}

function collectReferences(value: unknown, ctes: string[][], template: string, out: TableReference[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, ctes, template, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Json;
  let scope = ctes;
  const cteMap = obj.cte_map as { map?: { key: string }[] } | undefined;
  if (cteMap?.map?.length) scope = [...ctes, cteMap.map.map((e) => e.key.toLowerCase())];
  if (obj.type === 'BASE_TABLE' && typeof obj.table_name === 'string') {
    const schema = String(obj.schema_name ?? '');
    const table = obj.table_name;
    const isCte = !schema && !obj.catalog_name && scope.some((names) => names.includes(table.toLowerCase()));
    if (!isCte) out.push(locateReference(obj, template));
  }
  for (const key of Object.keys(obj)) {
    if (key !== 'query_location') collectReferences(obj[key], scope, template, out);
  }
}

function locateReference(obj: Json, template: string): TableReference {
  const schema = String(obj.schema_name ?? '');
  const table = String(obj.table_name);
  const catalog = String(obj.catalog_name ?? '');
  const start = charOffsetOfByte(template, Number(obj.query_location));
  const end = scanQualifiedName(template, start);
  return {
    schema: catalog ? `${catalog}.${schema}` : schema,
    table,
    alias: String(obj.alias ?? ''),
    start,
    end: end ?? start,
  };
}

/** End offset of a dotted, possibly quoted name starting at `start`, or undefined. */
export function scanQualifiedName(text: string, start: number): number | undefined {
  let i = start;
  for (;;) {
    if (text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
      if (i >= text.length) return undefined;
      i++;
    } else {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i, i + 256));
      if (!m) return undefined;
      i += m[0].length;
    }
    const dot = /^\s*\.\s*/.exec(text.slice(i, i + 64));
    if (!dot) return i;
    i += dot[0].length;
  }
}

function queryShape(node: Json): QueryShape {
  const astHash = hashOf(normalized(node));
  if (node.type !== 'SELECT_NODE' || !Array.isArray(node.select_list)) {
    return { astHash, bodyHash: null, projections: [], distinct: false, grouped: false, columns: outputColumns(node) };
  }
  const { select_list: selectList, ...body } = node;
  const projections = (selectList as unknown[]).map((p) => ({ hash: hashOf(normalized(p)), aggregate: containsAggregate(p), expands: containsFunction(p, SET_RETURNING) }));
  const modifiers = (node.modifiers as Json[] | undefined) ?? [];
  return {
    astHash,
    bodyHash: hashOf(normalized(body)),
    projections,
    distinct: modifiers.some((m) => m.type === 'DISTINCT_MODIFIER'),
    grouped: ((node.group_expressions as unknown[]) ?? []).length > 0 || projections.some((p) => p.aggregate) || node.having != null,
    columns: outputColumns(node),
  };
}

/** Names of a query's output columns, when the query alone tells them. */
function outputColumns(node: Json): string[] | null {
  // BY NAME unions match columns by name, so either side may add some: not known here.
  if (node.type === 'SET_OPERATION_NODE') return String(node.setop_type).includes('BY_NAME') ? null : outputColumns(node.left as Json);
  if (node.type !== 'SELECT_NODE' || !Array.isArray(node.select_list)) return null;
  const names: string[] = [];
  for (const p of node.select_list as Json[]) {
    if (p.alias) names.push(String(p.alias).toLowerCase());
    else if (p.class === 'COLUMN_REF' && Array.isArray(p.column_names)) names.push(String(p.column_names[p.column_names.length - 1]).toLowerCase());
    else return null;
  }
  return names;
}

/**
 * The AST as text without positions, the only part formatting changes. DuckDB serializes
 * keys in a fixed order, so no sorting is needed; a regex over native JSON.stringify keeps
 * hashing 10,000 models fast. (A SQL string containing `"query_location":` is escaped in
 * the JSON as `\"query_location\":` and cannot match.)
 */
function normalized(value: unknown): string {
  return JSON.stringify(value).replace(/"query_location":[0-9.e+]+,?/g, '');
}

/** Functions that return several rows per input row in a SELECT list: adding one multiplies rows. */
const SET_RETURNING = new Set([
  'unnest', 'generate_series', 'generate_subscripts', 'json_each', 'jsonb_each', 'json_array_elements',
  'jsonb_array_elements', 'json_array_elements_text', 'jsonb_array_elements_text', 'regexp_split_to_table',
  'string_to_table', 'jsonb_object_keys', 'json_object_keys',
]);

function containsFunction(value: unknown, names: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((v) => containsFunction(v, names));
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Json;
  if ((obj.class === 'FUNCTION' || obj.class === 'OPERATOR') && names.has(String(obj.function_name).toLowerCase())) return true;
  if (obj.class === 'SUBQUERY') return false;
  return Object.values(obj).some((v) => containsFunction(v, names));
}

function containsAggregate(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsAggregate);
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Json;
  if (obj.class === 'WINDOW') return false;
  if (obj.class === 'FUNCTION' && AGGREGATES.has(String(obj.function_name).toLowerCase())) return true;
  if (obj.class === 'SUBQUERY') return false;
  return Object.values(obj).some(containsAggregate);
}
