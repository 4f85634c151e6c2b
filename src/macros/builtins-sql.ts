import { quoteIdent, quoteLiteral } from '../util/identifiers.js';
import { bindArgs } from './bind-args.js';
import { listTexts } from './builtins-core.js';
import { MacroError, type MacroEvaluator, type MacroImpl, type RelationColumn } from './evaluator.js';
import { operand } from './precedence.js';
import type { Token } from './tokens.js';
import { bareName, booleanOf, itemsOf, sql, stringLiteral, valueSql, type MacroValue, type Scope } from './values.js';

/**
 * SQLMesh's SQL-generating built-ins. Each returns SQL text in the model's dialect
 * (DuckDB or PostgreSQL); where SQLMesh's documented output relies on SQLGlot
 * transpiling (QUALIFY, GENERATE_DATE_ARRAY), the PostgreSQL form is written here.
 */
export const SQL_MACROS: Record<string, MacroImpl> = {
  star(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['relation', 'alias', 'exclude', 'prefix', 'suffix', 'quote_identifiers'], { required: 1, aliases: { except_: 'exclude' } });
    const v = (k: string) => (named.has(k) ? ev.evalArg(named.get(k)!.tokens, scope) : undefined);
    const relation = valueSql(v('relation')!).trim();
    const aliasV = v('alias');
    const qualifier = aliasV ? bareName(aliasV) : unquote(relation.split('.').pop()!);
    const exclude = new Set((v('exclude') ? itemsOf(v('exclude')!) : []).map((i) => bareName(i).toLowerCase()));
    const prefix = literalArg(v('prefix'), 'prefix', call) ?? '';
    const suffix = literalArg(v('suffix'), 'suffix', call) ?? '';
    const quoted = booleanOf(v('quote_identifiers')) ?? true;
    const q = (name: string) => (quoted ? quoteIdent(name) : name);
    const columns = relationColumns(ev, relation, call).filter((c) => !exclude.has(c.name.toLowerCase()));
    const typed = columns.every((c) => c.type);
    const items = columns.map((c) => {
      const col = `${q(qualifier)}.${q(c.name)}`;
      return sql(`${typed ? `CAST(${col} AS ${c.type})` : col} AS ${q(`${prefix}${c.name}${suffix}`)}`);
    });
    return { kind: 'list', items };
  },

  generate_surrogate_key(ev, args, call, scope) {
    const fields = args.filter((a) => !a.keyword);
    const hashArg = args.find((a) => a.keyword === 'hash_function');
    const unknown = args.find((a) => a.keyword && a.keyword !== 'hash_function');
    if (unknown) throw new MacroError(`@GENERATE_SURROGATE_KEY has no argument '${unknown.keyword}' (its arguments: *fields, hash_function)`, unknown.offset);
    if (!fields.length) throw new MacroError('@GENERATE_SURROGATE_KEY needs at least one column', call.start);
    const hash = hashArg ? stringLiteral(ev.evalArg(hashArg.tokens, scope)) ?? '' : 'MD5';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(hash)) throw new MacroError(`hash_function must name a function, such as 'MD5'`, hashArg!.offset);
    const parts = fields.map((f) => `COALESCE(CAST(${valueSql(ev.evalArg(f.tokens, scope)).trim()} AS TEXT), '_sqlmesh_surrogate_key_null_')`);
    return sql(`${hash.toUpperCase()}(CONCAT(${parts.join(", '|', ")}))`);
  },

  safe_add: (ev, args, call, scope) => safeArithmetic(ev, args, call, scope, '+'),
  safe_sub: (ev, args, call, scope) => safeArithmetic(ev, args, call, scope, '-'),

  safe_div(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['numerator', 'denominator']);
    const [n, d] = ['numerator', 'denominator'].map((k) => valueSql(ev.evalArg(named.get(k)!.tokens, scope)));
    return sql(`${operand(n, 7)} / NULLIF(${d.trim()}, 0)`);
  },

  union(ev, args, call, scope) {
    if (!args.length) throw new MacroError('@UNION needs at least one table', call.start);
    let i = 0;
    let condition: boolean | undefined;
    const first = ev.evalArg(args[0].tokens, scope);
    if (stringLiteral(first) === undefined && looksLikeCondition(valueSql(first))) {
      condition = Boolean(ev.condition(args[0].tokens, scope, args[0].offset));
      i++;
    }
    let kind = 'ALL';
    const typeArg = args[i] ? stringLiteral(ev.evalArg(args[i].tokens, scope)) : undefined;
    if (typeArg !== undefined) {
      kind = typeArg.toUpperCase();
      if (kind !== 'ALL' && kind !== 'DISTINCT') throw new MacroError(`@UNION type must be 'ALL' or 'DISTINCT', not '${typeArg}'`, args[i].offset);
      i++;
    }
    const tables = args.slice(i).map((a) => valueSql(ev.evalArg(a.tokens, scope)).trim());
    if (!tables.length) throw new MacroError('@UNION needs at least one table after its condition and type', call.start);
    const cols = tables.map((t) => relationColumns(ev, t, call));
    const key = (c: RelationColumn) => `${c.name.toLowerCase()} ${(c.type ?? '').toLowerCase()}`;
    const common = cols.slice(1).reduce((acc, cs) => new Set(cs.map(key).filter((k) => acc.has(k))), new Set(cols[0].map(key)));
    const projections = cols[0].filter((c) => common.has(key(c))).map((c) => (c.type ? `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name)));
    if (!projections.length) throw new MacroError(`@UNION: ${tables.join(', ')} have no column with the same name and type`, call.start);
    const select = (t: string) => `SELECT ${projections.join(', ')} FROM ${t}`;
    if (condition === false) return sql(select(tables[0]));
    return sql(tables.map(select).join(kind === 'DISTINCT' ? ' UNION ' : ' UNION ALL '));
  },

  haversine_distance(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['lat1', 'lon1', 'lat2', 'lon2', 'unit'], { required: 4 });
    const [lat1, lon1, lat2, lon2] = ['lat1', 'lon1', 'lat2', 'lon2'].map((k) => valueSql(ev.evalArg(named.get(k)!.tokens, scope)));
    const unit = named.has('unit') ? stringLiteral(ev.evalArg(named.get('unit')!.tokens, scope)) : 'mi';
    const rate = unit === 'mi' ? '1.0' : unit === 'km' ? '1.60934' : undefined;
    if (!rate) throw new MacroError(`@HAVERSINE_DISTANCE unit must be 'mi' or 'km', not ${unit ?? 'that'}`, named.get('unit')!.offset);
    const diff = (a: string, b: string) => `(${operand(a, 6)} - ${operand(b, 6, true)}) / 2`;
    return sql(
      `7922 * ASIN(SQRT((POWER(SIN(RADIANS(${diff(lat2, lat1)})), 2)) + (COS(RADIANS(${lat1.trim()})) * COS(RADIANS(${lat2.trim()})) * POWER(SIN(RADIANS(${diff(lon2, lon1)})), 2)))) * ${rate}`,
    );
  },

  pivot(ev, args, call, scope) {
    const params = ['column', 'values', 'alias', 'agg', 'cmp', 'prefix', 'suffix', 'then_value', 'else_value', 'quote', 'distinct'];
    const { named } = bindArgs(call, args, params, { required: 2 });
    const v = (k: string) => (named.has(k) ? ev.evalArg(named.get(k)!.tokens, scope) : undefined);
    const column = valueSql(v('column')!).trim();
    const word = (k: string, d: string) => (v(k) ? bareName(v(k)!) : d);
    const flag = (k: string, d: boolean) => booleanOf(v(k)) ?? d;
    const agg = word('agg', 'SUM');
    const cmp = word('cmp', '=');
    const [prefix, suffix] = [literalArg(v('prefix'), 'prefix', call) ?? '', literalArg(v('suffix'), 'suffix', call) ?? ''];
    const then = v('then_value') ? valueSql(v('then_value')!).trim() : '1';
    const otherwise = v('else_value') ? valueSql(v('else_value')!).trim() : '0';
    const items = itemsOf(v('values')!).map((value) => {
      const body = `${agg}(${flag('distinct', false) ? 'DISTINCT ' : ''}CASE WHEN ${column} ${cmp} ${valueSql(value).trim()} THEN ${then} ELSE ${otherwise} END)`;
      if (!flag('alias', true)) return sql(body);
      const name = `${prefix}${bareName(value)}${suffix}`;
      return sql(`${body} AS ${flag('quote', true) ? quoteIdent(name) : name}`);
    });
    return { kind: 'list', items };
  },

  and: (ev, args, _call, scope) => connective(ev, args.map((a) => valueSql(ev.evalArg(a.tokens, scope))), 'AND'),
  or: (ev, args, _call, scope) => connective(ev, args.map((a) => valueSql(ev.evalArg(a.tokens, scope))), 'OR'),

  deduplicate(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['relation', 'partition_by', 'order_by']);
    const relation = valueSql(ev.evalArg(named.get('relation')!.tokens, scope)).trim();
    const partitionV = ev.evalArg(named.get('partition_by')!.tokens, scope);
    const orderV = ev.evalArg(named.get('order_by')!.tokens, scope);
    if (partitionV.kind !== 'list') throw new MacroError('partition_by must be a list of columns: [<column>, cast(<column> as <type>)]', named.get('partition_by')!.offset);
    const order = itemsOf(orderV).map((i) => stringLiteral(i));
    if (orderV.kind !== 'list' || !order.length || order.some((o) => o === undefined)) {
      throw new MacroError("order_by must be a list of strings, such as ['<column> <asc|desc> nulls <first|last>']", named.get('order_by')!.offset);
    }
    const partition = listTexts(partitionV);
    const orderBy = (order as string[]).map((o) => valueSql(ev.expandGenerated(o, named.get('order_by')!.offset, scope)).trim());
    if (ev.ctx.dialect === 'postgres') {
      // PostgreSQL has no QUALIFY; DISTINCT ON keeps the first row of each partition in the same order.
      return sql(`SELECT DISTINCT ON (${partition.join(', ')}) * FROM ${relation} ORDER BY ${[...partition, ...orderBy].join(', ')}`);
    }
    return sql(`SELECT * FROM ${relation} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${partition.join(', ')} ORDER BY ${orderBy.join(', ')}) = 1`);
  },

  date_spine(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['datepart', 'start_date', 'end_date']);
    const [part, start, end] = ['datepart', 'start_date', 'end_date'].map((k) => ev.evalArg(named.get(k)!.tokens, scope));
    const datepart = (stringLiteral(part) ?? bareName(part)).toLowerCase();
    if (!['day', 'week', 'month', 'quarter', 'year'].includes(datepart)) {
      throw new MacroError(`Invalid datepart '${datepart}'. Expected: 'day', 'week', 'month', 'quarter', or 'year'`, named.get('datepart')!.offset);
    }
    const [s, e] = [stringLiteral(start), stringLiteral(end)];
    const bound = (v: MacroValue, text: string | undefined, k: string) => {
      if (text === undefined) return valueSql(v).trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) throw new MacroError(`Invalid date format - ${k} must be in format: YYYY-MM-DD`, named.get(k)!.offset);
      return `CAST(${quoteLiteral(text)} AS DATE)`;
    };
    const [from, to] = [bound(start, s, 'start_date'), bound(end, e, 'end_date')];
    if (s && e && s > e) throw new MacroError(`Invalid date range - start_date '${s}' is after end_date '${e}'.`, call.start);
    const column = quoteIdent(`date_${datepart}`);
    if (ev.ctx.dialect === 'postgres') {
      const step = datepart === 'quarter' ? '3 month' : `1 ${datepart}`;
      return sql(`SELECT CAST("_exploded".${column} AS DATE) AS ${column} FROM GENERATE_SERIES(${from}, ${to}, INTERVAL '${step}') AS "_exploded"(${column})`);
    }
    return sql(`SELECT "_exploded".${column} AS ${column} FROM UNNEST(CAST(GENERATE_SERIES(${from}, ${to}, INTERVAL '1' ${datepart.toUpperCase()}) AS DATE[])) AS "_exploded"(${column})`);
  },
};

/** SQLMesh macros planner does not have; named so the error says what to write instead. */
export const REFUSED_MACROS: Record<string, string> = {
  with: 'write @IF(condition, WITH ...) instead',
  join: 'write @IF(condition, JOIN ...) instead',
  where: 'write @IF(condition, WHERE ...) instead',
  group_by: 'write @IF(condition, GROUP BY ...) instead',
  having: 'write @IF(condition, HAVING ...) instead',
  order_by: 'write @IF(condition, ORDER BY ...) instead',
  limit: 'write @IF(condition, LIMIT ...) instead',
  resolve_template: 'physical names are planner\'s own; use @this_model',
};

function safeArithmetic(ev: MacroEvaluator, args: Parameters<MacroImpl>[1], call: Token, scope: Scope, op: '+' | '-'): MacroValue {
  const { rest } = bindArgs(call, args, [], { variadic: true, required: 1 });
  const fields = rest.map((a) => valueSql(ev.evalArg(a.tokens, scope)).trim());
  const nulls = fields.map((f) => `${operand(f, 5)} IS NULL`).join(' AND ');
  return sql(`CASE WHEN ${nulls} THEN NULL ELSE ${fields.map((f) => `COALESCE(${f}, 0)`).join(` ${op} `)} END`);
}

function connective(_ev: MacroEvaluator, parts: string[], op: 'AND' | 'OR'): MacroValue {
  const kept = parts.map((p) => p.trim()).filter((p) => p !== '' && p.toUpperCase() !== 'NULL');
  if (!kept.length) return sql('TRUE');
  return sql(kept.map((p) => operand(p, op === 'AND' ? 3 : 2)).join(` ${op} `));
}

function relationColumns(ev: MacroEvaluator, relation: string, call: Token): RelationColumn[] {
  const name = relation.split('.').map(unquote).join('.').toLowerCase();
  const cols = ev.ctx.columnsOf?.(name, call.start);
  if (!cols) {
    throw new MacroError(
      `@${call.name!.toUpperCase()}: the columns of ${name} are not known (a model's come from its query or its declared columns; a source's from its EXTERNAL model's columns)`,
      call.start,
    );
  }
  return cols;
}

function literalArg(v: MacroValue | undefined, what: string, call: Token): string | undefined {
  if (!v) return undefined;
  const s = stringLiteral(v);
  if (s === undefined) throw new MacroError(`@${call.name!.toUpperCase()}: ${what} must be a string literal`, call.start);
  return s;
}

function unquote(s: string): string {
  return /^".*"$/.test(s) ? s.slice(1, -1).replace(/""/g, '"') : s;
}

function looksLikeCondition(text: string): boolean {
  return /^(TRUE|FALSE)$/i.test(text.trim()) || /[<>=!]|\b(AND|OR|NOT|IN|IS|BETWEEN)\b/i.test(text);
}
