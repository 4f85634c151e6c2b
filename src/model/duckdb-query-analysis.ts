import { charOffsetOfByte } from '../util/text-position.js';
import { canonicalHash, canonicalQuery, type CanonicalCache } from './canonical-query.js';
import type { QueryShape, TableReference } from './model.js';
import { AGGREGATES, scanQualifiedName, SET_RETURNING } from './query-functions.js';
import type { WhereParts } from './query-analysis.js';

type Json = Record<string, unknown>;

/**
 * What planning needs out of a statement parsed by DuckDB (`json_serialize_sql`'s node):
 * the tables it references (not CTEs) with their character spans in `template`, and the
 * hashes of planner's canonical form that fingerprints and categorization compare.
 */
export function analyzeDuckDB(node: Json, template: string): { references: TableReference[]; shape: QueryShape } {
  const references: TableReference[] = [];
  collectReferences(node, [], template, references);
  references.sort((a, b) => a.start - b.start);
  return { references, shape: queryShape(node) };
}

/** `SELECT 1 WHERE (...)` split into its WHERE condition and the rest, in canonical form. */
export function duckdbWhereParts(node: Json): WhereParts {
  const where = node.where_clause;
  return {
    rest: canonicalQuery({ ...node, where_clause: null }, 'duckdb'),
    hasWhere: where != null,
    hasParameter: JSON.stringify(where ?? null).includes('"class":"PARAMETER"'),
  };
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

function queryShape(node: Json): QueryShape {
  if (node.type !== 'SELECT_NODE' || !Array.isArray(node.select_list)) {
    return { astHash: canonicalHash(node, 'duckdb'), bodyHash: null, projections: [], distinct: false, grouped: false, columns: outputColumns(node) };
  }
  // Parts first, then the whole: the cache makes it one pass over the tree.
  const cache: CanonicalCache = new WeakMap();
  const { select_list: selectList, ...body } = node;
  const projections = (selectList as unknown[]).map((p) => ({ hash: canonicalHash(p, 'duckdb', cache), aggregate: containsAggregate(p), expands: containsFunction(p, SET_RETURNING) }));
  const bodyHash = canonicalHash(body, 'duckdb', cache);
  const modifiers = (node.modifiers as Json[] | undefined) ?? [];
  return {
    astHash: canonicalHash(node, 'duckdb', cache),
    bodyHash,
    projections,
    distinct: modifiers.some((m) => m.type === 'DISTINCT_MODIFIER'),
    grouped: ((node.group_expressions as unknown[]) ?? []).length > 0 || projections.some((p) => p.aggregate) || node.having != null,
    columns: outputColumns(node),
    ...castTypes(selectList as Json[]),
  };
}

/** `{ castTypes }` when every projection is a CAST (not TRY_CAST) to a type named without a catalog lookup. */
function castTypes(selectList: Json[]): { castTypes?: string[] } {
  const types = selectList.map((p) => (p.class === 'CAST' && !p.try_cast ? typeText(p.cast_type as Json | undefined) : null));
  return types.length && types.every((t) => t !== null) ? { castTypes: types as string[] } : {};
}

/** DuckDB's serialized logical type as SQL: `INTEGER`, `DECIMAL(10,2)`, `INTEGER[]`; null for user, nested or enum types. */
function typeText(type: Json | undefined): string | null {
  if (!type) return null;
  const id = String(type.id);
  const info = type.type_info as Json | null | undefined;
  if (id === 'DECIMAL' && info) return `DECIMAL(${Number(info.width)},${Number(info.scale)})`;
  if (id === 'LIST' && info) {
    const child = typeText(info.child_type as Json | undefined);
    return child && !child.endsWith(']') ? `${child}[]` : null;
  }
  return /^[A-Z][A-Z ]*$/.test(id) && !['USER', 'STRUCT', 'MAP', 'UNION', 'ENUM', 'ARRAY', 'LIST', 'INVALID', 'ANY', 'UNKNOWN'].includes(id) ? id : null;
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
