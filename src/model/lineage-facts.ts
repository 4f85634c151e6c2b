import type { ParseTree } from './sql-parser.js';

type Json = Record<string, unknown>;

/** What one expression reads: enough to tell whether a masked value can flow into it. */
export interface ExprFacts {
  /** Last part of every column reference in it, subqueries included, lowercased. */
  refs: string[];
  /** One-part references (`c` in `to_json(c)`): a relation's name there reads a whole row. */
  single: string[];
  /** The referenced name when the expression is only a column reference or a cast of one. */
  plain: string | null;
  /** A star inside the expression (`struct_pack(*)`, `to_json(c.*)`): it reads columns it does not name. */
  star: boolean;
}

/** One item of a select list: a star (its columns keep their names) or a named or unnamed expression. */
export type SelectItem = { star: true } | { star: false; name: string | null; expr: ExprFacts };

/**
 * A query reduced to what column lineage by name needs: every name an expression is given
 * anywhere in it (select items, the columns of a set operation, star REPLACE entries),
 * the top-level query's select lists (one per set-operation branch), the names that
 * stand for relations, and why lineage by name cannot be followed, if it cannot.
 */
export interface QueryFacts {
  defs: { name: string; expr: ExprFacts }[];
  top: SelectItem[][];
  relations: string[];
  opaque: string | null;
}

/** The facts of a parsed query, whichever parser read it. */
export function queryFacts(tree: ParseTree): QueryFacts {
  return tree.parser === 'duckdb' ? duckdbFacts(tree.node) : postgresFacts(tree.node);
}

const lower = (s: unknown) => String(s).toLowerCase();

function collector() {
  const facts: QueryFacts = { defs: [], top: [], relations: [], opaque: null };
  const refuse = (why: string) => (facts.opaque ??= why);
  /** Named items of each set-operation branch give their expressions to the left branch's names (columns match by position). */
  const setOperation = (branches: SelectItem[][]) => {
    if (branches.some((b) => b.some((i) => i.star))) return refuse('a set operation over a star');
    const width = Math.max(...branches.map((b) => b.length));
    for (let i = 0; i < width; i++) {
      const first = branches[0][i];
      const name = first && !first.star ? first.name : null;
      if (name === null) return refuse('a set operation whose columns are not all named');
      for (const b of branches.slice(1)) {
        const other = b[i];
        if (other && !other.star) facts.defs.push({ name, expr: other.expr });
      }
    }
  };
  return { facts, refuse, setOperation };
}

// ---- DuckDB (json_serialize_sql) ----

function duckdbFacts(root: Json): QueryFacts {
  const { facts, refuse, setOperation } = collector();
  const branchesOf = (node: Json): Json[] => (node.type === 'SET_OPERATION_NODE' ? [...branchesOf(node.left as Json), ...branchesOf(node.right as Json)] : [node]);
  const items = (node: Json): SelectItem[] => {
    if (node.type !== 'SELECT_NODE' || !Array.isArray(node.select_list)) {
      refuse(`a ${lower(node.type)} query`);
      return [];
    }
    return (node.select_list as Json[]).map((p) => {
      if (p.class !== 'STAR') return { star: false, name: p.alias ? lower(p.alias) : p.class === 'COLUMN_REF' ? lastName(p.column_names) : null, expr: duckdbExpr(p) };
      if (p.columns || p.expr) refuse('a COLUMNS(...) expression');
      if (Array.isArray(p.rename_list) && p.rename_list.length) refuse('a star RENAME list');
      return { star: true };
    });
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const obj = value as Json;
    if (obj.type === 'SET_OPERATION_NODE') setOperation(branchesOf(obj).map(items));
    if (obj.type === 'SELECT_NODE') {
      for (const item of items(obj)) if (!item.star && item.name) facts.defs.push({ name: item.name, expr: item.expr });
    }
    if (obj.class === 'STAR') for (const r of (obj.replace_list as Json[] | undefined) ?? []) facts.defs.push({ name: lower(r.key), expr: duckdbExpr(r.value as Json) });
    if (obj.class === 'POSITIONAL_REFERENCE') refuse('a positional column reference');
    for (const cte of ((obj.cte_map as Json | undefined)?.map as Json[] | undefined) ?? []) {
      facts.relations.push(lower(cte.key));
      if (((cte.value as Json).aliases as unknown[] | undefined)?.length) refuse(`CTE '${cte.key}' renames its columns by position`);
    }
    if (typeof obj.type === 'string' && 'sample' in obj && !('select_list' in obj)) duckdbTableRef(obj);
    for (const v of Object.values(obj)) visit(v);
  };
  const duckdbTableRef = (ref: Json) => {
    if (ref.alias) facts.relations.push(lower(ref.alias));
    if (ref.type === 'BASE_TABLE') facts.relations.push(lower(ref.table_name));
    if ((ref.column_name_alias as unknown[] | undefined)?.length) refuse(`'${ref.alias || ref.table_name}' renames its columns by position`);
    if (ref.type === 'TABLE_FUNCTION' && readsColumns(ref)) refuse('a table function over columns');
    if (!['BASE_TABLE', 'SUBQUERY', 'JOIN', 'EMPTY', 'EXPRESSION_LIST', 'TABLE_FUNCTION'].includes(String(ref.type))) refuse(`a ${lower(ref.type)} in FROM`);
  };
  facts.top = branchesOf(root).map(items);
  visit(root);
  return facts;
}

function duckdbExpr(node: Json): ExprFacts {
  const facts: ExprFacts = { refs: [], single: [], plain: null, star: false };
  const inner = node.class === 'CAST' ? (node.child as Json) : node;
  if (inner?.class === 'COLUMN_REF') facts.plain = lastName(inner.column_names);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    const obj = value as Json;
    if (obj.class === 'COLUMN_REF' && Array.isArray(obj.column_names)) {
      facts.refs.push(lastName(obj.column_names)!);
      if (obj.column_names.length === 1) facts.single.push(lower(obj.column_names[0]));
    }
    if (obj.class === 'STAR' || obj.class === 'POSITIONAL_REFERENCE') facts.star = true;
    for (const v of Object.values(obj)) walk(v);
  };
  walk(node);
  return facts;
}

function readsColumns(value: unknown): boolean {
  const text = JSON.stringify(value);
  return text.includes('"COLUMN_REF"') || text.includes('"STAR"') || text.includes('"ColumnRef"');
}

function lastName(names: unknown): string | null {
  return Array.isArray(names) && names.length ? lower(names[names.length - 1]) : null;
}

// ---- PostgreSQL (libpg_query) ----

function postgresFacts(root: Json): QueryFacts {
  const { facts, refuse, setOperation } = collector();
  const select = root.SelectStmt as Json | undefined;
  const branchesOf = (s: Json): Json[] => (s.op && s.op !== 'SETOP_NONE' ? [...branchesOf(s.larg as Json), ...branchesOf(s.rarg as Json)] : [s]);
  const items = (s: Json): SelectItem[] => {
    // VALUES rows hold no column of a model; their columns are unnamed.
    if (Array.isArray(s.valuesLists)) return ((((s.valuesLists[0] as Json).List as Json | undefined)?.items as Json[] | undefined) ?? []).map((v) => ({ star: false, name: null, expr: postgresExpr(v) }));
    return ((s.targetList as Json[] | undefined) ?? []).map((t) => {
      const target = (t.ResTarget ?? {}) as Json;
      const val = (target.val ?? {}) as Json;
      const fields = (val.ColumnRef as Json | undefined)?.fields as Json[] | undefined;
      if (fields && fields[fields.length - 1]?.A_Star) return { star: true };
      const expr = postgresExpr(val);
      return { star: false, name: target.name ? lower(target.name) : fields ? pgName(fields[fields.length - 1]) : null, expr };
    });
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const obj = value as Json;
    const stmt = obj.SelectStmt as Json | undefined;
    if (stmt) {
      if (stmt.op && stmt.op !== 'SETOP_NONE') setOperation(branchesOf(stmt).map(items));
      else for (const item of items(stmt)) if (!item.star && item.name) facts.defs.push({ name: item.name, expr: item.expr });
    }
    // Set-operation branches are bare select nodes (no SelectStmt wrapper): their items are names too.
    if (obj.larg || obj.rarg) for (const b of [obj.larg, obj.rarg] as Json[]) if (b) visit({ SelectStmt: b });
    const cte = obj.CommonTableExpr as Json | undefined;
    if (cte) {
      facts.relations.push(lower(cte.ctename));
      if ((cte.aliascolnames as unknown[] | undefined)?.length) refuse(`CTE '${cte.ctename}' renames its columns by position`);
    }
    const alias = ((obj.RangeVar ?? obj.RangeSubselect ?? obj.RangeFunction ?? obj.JoinExpr) as Json | undefined)?.alias as Json | undefined;
    if (alias?.aliasname) facts.relations.push(lower(alias.aliasname));
    if ((alias?.colnames as unknown[] | undefined)?.length) refuse(`'${alias!.aliasname}' renames its columns by position`);
    if (obj.RangeVar) facts.relations.push(lower((obj.RangeVar as Json).relname));
    if (obj.RangeFunction && readsColumns(obj.RangeFunction)) refuse('a table function over columns');
    for (const other of ['RangeTableSample', 'RangeTableFunc', 'JsonTable']) if (obj[other]) refuse(`a ${other} in FROM`);
    for (const [k, v] of Object.entries(obj)) if (k !== 'larg' && k !== 'rarg') visit(v);
  };
  if (!select) refuse('a statement other than SELECT');
  else facts.top = branchesOf(select).map(items);
  visit(root);
  return facts;
}

function postgresExpr(node: Json): ExprFacts {
  const facts: ExprFacts = { refs: [], single: [], plain: null, star: false };
  const inner = node.TypeCast ? ((node.TypeCast as Json).arg as Json) : node;
  const plainFields = (inner?.ColumnRef as Json | undefined)?.fields as Json[] | undefined;
  if (plainFields && !plainFields[plainFields.length - 1]?.A_Star) facts.plain = pgName(plainFields[plainFields.length - 1]);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    const obj = value as Json;
    const fields = (obj.ColumnRef as Json | undefined)?.fields as Json[] | undefined;
    if (fields) {
      if (fields[fields.length - 1]?.A_Star) facts.star = true;
      const names = fields.map(pgName).filter((n): n is string => n !== null);
      if (names.length) facts.refs.push(names[names.length - 1]);
      if (fields.length === 1 && names.length === 1) facts.single.push(names[0]);
    }
    for (const v of Object.values(obj)) walk(v);
  };
  walk(node);
  return facts;
}

function pgName(field: Json | undefined): string | null {
  const s = (field?.String as Json | undefined)?.sval;
  return s === undefined ? null : lower(s);
}
