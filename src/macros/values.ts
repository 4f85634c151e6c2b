import { quoteIdent } from '../util/identifiers.js';
import type { Token } from './tokens.js';

/**
 * What a macro argument or result is. SQL stays text (the rest of the query is never
 * re-printed, so a model keeps its formatting); lists and lambdas are structure that
 * @EACH, @REDUCE, @FILTER and TypeScript macros work on.
 */
export type MacroValue =
  | { kind: 'sql'; text: string }
  /** `bracket`: written `[a, b]` (rendered as an array); otherwise a macro's list result, rendered `a, b`. */
  | { kind: 'list'; items: MacroValue[]; bracket?: boolean; tuple?: boolean; prefix?: string }
  | { kind: 'lambda'; params: string[]; body: Token[]; scope: Scope; name?: string }
  | { kind: 'none' };

/** Variables visible where a macro is expanded: @DEF locals, lambda parameters, chained to the outer scope. */
export class Scope {
  private readonly vars = new Map<string, { value: MacroValue; param: boolean }>();
  constructor(readonly parent?: Scope) {}

  set(name: string, value: MacroValue, param = false): void {
    this.vars.set(name.toLowerCase(), { value, param });
  }

  get(name: string): MacroValue | undefined {
    return this.vars.get(name.toLowerCase())?.value ?? this.parent?.get(name);
  }

  /** A lambda parameter named `name`, which a bare word in the lambda's body stands for. */
  param(name: string): MacroValue | undefined {
    const own = this.vars.get(name.toLowerCase());
    if (own) return own.param ? own.value : undefined;
    return this.parent?.param(name);
  }

  /** The @DEF values of this scope and its parents as SQL text (for TypeScript macros' `evaluator.locals`). */
  locals(): Record<string, string> {
    const out = this.parent?.locals() ?? {};
    for (const [k, v] of this.vars) if (v.value.kind !== 'lambda') out[k] = valueSql(v.value);
    return out;
  }
}

export const sql = (text: string): MacroValue => ({ kind: 'sql', text });
export const NONE: MacroValue = { kind: 'none' };

/** A value spliced into SQL: a macro's list result is comma-separated, a written array keeps its brackets. */
export function valueSql(v: MacroValue): string {
  switch (v.kind) {
    case 'sql':
      return v.text;
    case 'list': {
      const inner = v.items.map(valueSql).filter((s) => s !== '').join(', ');
      return v.tuple ? `(${inner})` : v.bracket ? `${v.prefix ?? ''}[${inner}]` : inner;
    }
    case 'none':
      return '';
    case 'lambda':
      throw new Error('a lambda (x -> ...) cannot stand where SQL goes');
  }
}

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A value used as (part of) an identifier, as `@{x}` and `column_@x` use it: a string
 * literal loses its quotes; a name that is not a plain word is double-quoted unless it is
 * only part of a larger identifier.
 */
export function valueIdentifier(v: MacroValue, partOfName: boolean): string {
  const text = valueSql(v).trim();
  let raw = text;
  if (/^'.*'$/s.test(text)) raw = text.slice(1, -1).replace(/''/g, "'");
  else if (/^".*"$/s.test(text)) raw = text.slice(1, -1).replace(/""/g, '"');
  if (partOfName || SIMPLE.test(raw)) return raw;
  return quoteIdent(raw);
}

/** A string literal's text, or undefined when the value is not one. */
export function stringLiteral(v: MacroValue | undefined): string | undefined {
  if (!v || v.kind !== 'sql') return undefined;
  const t = v.text.trim();
  return /^'.*'$/s.test(t) ? t.slice(1, -1).replace(/''/g, "'") : undefined;
}

/** A name or literal's bare text: `'x'` -> x, `"x"` -> x, `x` -> x. */
export function bareName(v: MacroValue): string {
  return valueIdentifier(v, true);
}

/**
 * A JavaScript value (a config variable, a TypeScript macro's result) as a macro value, as
 * SQLMesh's `exp.convert` prints it: a list is an array (`[1, 2]` on DuckDB, `ARRAY[1, 2]` on
 * PostgreSQL) that @EACH/@REDUCE/@FILTER iterate; an object is a struct (`{'k': 1}`, DuckDB
 * only: PostgreSQL has no struct literal). `asTuple`: plain `@name` of a list variable is a
 * tuple, `(1, 2)`, as SQLMesh's MacroVar substitution makes it (`x IN @values`).
 */
export function fromJs(v: unknown, dialect: 'duckdb' | 'postgres' = 'duckdb', asTuple = false): MacroValue {
  if (v === null || v === undefined) return sql('NULL');
  if (Array.isArray(v)) {
    const items = v.map((i) => fromJs(i, dialect));
    return asTuple ? { kind: 'list', items, tuple: true } : { kind: 'list', items, bracket: true, prefix: dialect === 'postgres' ? 'ARRAY' : '' };
  }
  if (typeof v === 'boolean') return sql(v ? 'TRUE' : 'FALSE');
  if (typeof v === 'number') return sql(Number.isFinite(v) ? String(v) : 'NULL');
  if (typeof v === 'string') return sql(`'${v.replace(/'/g, "''")}'`);
  if (dialect === 'postgres') throw new StructOnPostgres();
  const fields = Object.entries(v as Record<string, unknown>).map(([k, x]) => `'${k.replace(/'/g, "''")}': ${valueSql(fromJs(x, dialect))}`);
  return sql(`{${fields.join(', ')}}`);
}

/** An object variable used in SQL on PostgreSQL; the caller names the variable. */
export class StructOnPostgres extends Error {
  constructor() {
    super('an object (SQLMesh prints a dict variable as a STRUCT literal, which PostgreSQL does not have; read its keys in Jinja, var(\'name\')[\'key\'], or in a TypeScript macro, evaluator.var(\'name\'))');
  }
}

/** Items a list-taking macro iterates: a list's items, or the value itself. */
export function itemsOf(v: MacroValue): MacroValue[] {
  if (v.kind === 'list') return v.items;
  if (v.kind === 'none') return [];
  return [v];
}

/** Whether a value is SQL's boolean TRUE/FALSE literal, and which. */
export function booleanOf(v: MacroValue | undefined): boolean | undefined {
  if (!v || v.kind !== 'sql') return undefined;
  const t = v.text.trim().toUpperCase();
  return t === 'TRUE' ? true : t === 'FALSE' ? false : undefined;
}
