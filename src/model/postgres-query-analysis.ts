import { charOffsetOfByte } from '../util/text-position.js';
import { canonicalHash, canonicalQuery, type CanonicalCache } from './canonical-query.js';
import type { QueryShape, TableReference } from './model.js';
import { AGGREGATES, scanQualifiedName, SET_RETURNING } from './query-functions.js';
import type { WhereParts } from './query-analysis.js';

type Json = Record<string, unknown>;

/**
 * What planning needs out of a statement parsed by PostgreSQL's parser (libpg_query's
 * `stmts[0].stmt`, a `{ SelectStmt: {...} }` node): the same things as for DuckDB's trees,
 * read from PostgreSQL's node names. Locations in these trees are UTF-8 byte offsets.
 */
export function analyzePostgres(stmt: Json, template: string): { references: TableReference[]; shape: QueryShape } {
  const references: TableReference[] = [];
  collectReferences(stmt, [], template, references);
  references.sort((a, b) => a.start - b.start);
  return { references, shape: queryShape(stmt) };
}

/** `SELECT 1 WHERE (...)` split into its WHERE condition and the rest, in canonical form. */
export function postgresWhereParts(stmt: Json): WhereParts {
  const select = (stmt.SelectStmt ?? {}) as Json;
  const where = select.whereClause;
  return {
    rest: canonicalQuery({ ...stmt, SelectStmt: { ...select, whereClause: null } }, 'postgres'),
    hasWhere: where != null,
    hasParameter: JSON.stringify(where ?? null).includes('"ParamRef":'),
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
  // A WITH clause names tables for the whole statement it belongs to, its own CTEs included (RECURSIVE).
  const withCtes = (obj.withClause as { ctes?: { CommonTableExpr?: { ctename?: string } }[] } | undefined)?.ctes;
  if (withCtes?.length) scope = [...ctes, withCtes.map((c) => String(c.CommonTableExpr?.ctename ?? '').toLowerCase())];
  const rangeVar = obj.RangeVar as Json | undefined;
  if (rangeVar && typeof rangeVar.relname === 'string') {
    const isCte = !rangeVar.schemaname && !rangeVar.catalogname && scope.some((names) => names.includes((rangeVar.relname as string).toLowerCase()));
    if (!isCte) out.push(locateReference(rangeVar, template));
    return;
  }
  for (const key of Object.keys(obj)) {
    // SELECT ... INTO names a table the statement would create, not one it reads.
    if (key !== 'location' && key !== 'intoClause') collectReferences(obj[key], scope, template, out);
  }
}

function locateReference(rv: Json, template: string): TableReference {
  const schema = String(rv.schemaname ?? '');
  const catalog = String(rv.catalogname ?? '');
  const start = charOffsetOfByte(template, Number(rv.location));
  return {
    schema: catalog ? `${catalog}.${schema}` : schema,
    table: String(rv.relname),
    alias: String((rv.alias as Json | undefined)?.aliasname ?? ''),
    start,
    end: scanQualifiedName(template, start) ?? start,
  };
}

function queryShape(stmt: Json): QueryShape {
  const select = stmt.SelectStmt as Json | undefined;
  const columns = select ? outputColumns(select) : null;
  if (!select || select.op !== 'SETOP_NONE' || !Array.isArray(select.targetList)) {
    return { astHash: canonicalHash(stmt, 'postgres'), bodyHash: null, projections: [], distinct: false, grouped: false, columns };
  }
  // Parts first, then the whole: the cache makes it one pass over the tree.
  const cache: CanonicalCache = new WeakMap();
  const { targetList, ...body } = select;
  const projections = (targetList as unknown[]).map((p) => ({ hash: canonicalHash(p, 'postgres', cache), aggregate: containsAggregate(p), expands: containsFunction(p, SET_RETURNING) }));
  const bodyHash = canonicalHash({ SelectStmt: body }, 'postgres', cache);
  return {
    astHash: canonicalHash(stmt, 'postgres', cache),
    bodyHash,
    projections,
    distinct: Array.isArray(select.distinctClause) && select.distinctClause.length > 0,
    grouped: ((select.groupClause as unknown[]) ?? []).length > 0 || projections.some((p) => p.aggregate) || select.havingClause != null,
    columns,
    ...castTypes(targetList as Json[]),
  };
}

/** `{ castTypes }` when every target is a cast (`CAST(x AS t)`, `x::t`) to a type with constant modifiers. */
function castTypes(targetList: Json[]): { castTypes?: string[] } {
  const types = targetList.map((target) => {
    const cast = ((target.ResTarget as Json | undefined)?.val as Json | undefined)?.TypeCast as Json | undefined;
    return cast ? typeText(cast.typeName as Json) : null;
  });
  return types.length && types.every((t) => t !== null) ? { castTypes: types as string[] } : {};
}

/** A TypeName as SQL: `int4`, `numeric(10,2)`, `int4[]` (pg_catalog's qualifier dropped); null for anything else. */
function typeText(type: Json): string | null {
  const names = ((type.names as Json[] | undefined) ?? []).map((n) => String((n.String as Json | undefined)?.sval ?? ''));
  const name = names[0] === 'pg_catalog' ? names.slice(1) : names;
  if (name.length !== 1 || !/^[a-z_][a-z0-9_]*$/.test(name[0]) || type.setof || type.pct_type) return null;
  // libpg-query leaves a zero out of its integer constants: `{ ival: {} }` is 0.
  const mods = ((type.typmods as Json[] | undefined) ?? []).map((m) => {
    const ival = (m.A_Const as Json | undefined)?.ival as Json | undefined;
    return ival ? (ival.ival ?? 0) : undefined;
  });
  if (mods.some((m) => typeof m !== 'number')) return null;
  return `${name[0]}${mods.length ? `(${mods.join(',')})` : ''}${'[]'.repeat(((type.arrayBounds as unknown[] | undefined) ?? []).length)}`;
}

/** Names of a query's output columns, when the query alone tells them. */
function outputColumns(select: Json): string[] | null {
  if (select.op !== 'SETOP_NONE') return select.larg ? outputColumns(select.larg as Json) : null;
  if (!Array.isArray(select.targetList)) return null;
  const names: string[] = [];
  for (const target of select.targetList as Json[]) {
    const t = (target.ResTarget ?? {}) as Json;
    const fields = ((t.val as Json | undefined)?.ColumnRef as Json | undefined)?.fields as Json[] | undefined;
    const last = fields?.[fields.length - 1]?.String as Json | undefined;
    if (t.name) names.push(String(t.name).toLowerCase());
    else if (last?.sval !== undefined) names.push(String(last.sval).toLowerCase());
    else return null;
  }
  return names;
}

/** Last part of a function's (possibly schema-qualified) name, lowercased. */
function functionName(call: Json): string {
  const parts = (call.funcname as Json[] | undefined) ?? [];
  return String((parts[parts.length - 1]?.String as Json | undefined)?.sval ?? '').toLowerCase();
}

function containsFunction(value: unknown, names: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((v) => containsFunction(v, names));
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Json;
  if (obj.FuncCall && names.has(functionName(obj.FuncCall as Json))) return true;
  if (obj.SubLink) return false;
  return Object.values(obj).some((v) => containsFunction(v, names));
}

function containsAggregate(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsAggregate);
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Json;
  const call = obj.FuncCall as Json | undefined;
  // A window function keeps every row, whatever it aggregates over.
  if (call?.over) return false;
  if (call && AGGREGATES.has(functionName(call))) return true;
  if (obj.SubLink) return false;
  return Object.values(obj).some(containsAggregate);
}
