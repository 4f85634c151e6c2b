import { quoteIdent } from '../util/identifiers.js';
import { readVariable } from './config-variables.js';
import { evaluateCondition, valueToSql, type SqlValue } from './condition.js';
import type { MacroEvaluator, RelationColumn } from './evaluator.js';
import { bareName, fromJs, itemsOf, sql, valueSql, type MacroValue, type Scope } from './values.js';

/**
 * An argument as a TypeScript macro receives it. `String(arg)` (or a template literal)
 * is its SQL text, as a SQLGlot expression prints in a Python macro; `items` are a
 * list's elements; `name` is a name or string literal without quotes; `value` is a
 * literal's JavaScript value.
 *
 * @example export function add_one(evaluator, column) { return `${column} + 1`; }
 */
export class MacroArg {
  constructor(readonly parsed: MacroValue) {}

  /** 'sql' | 'list' | 'lambda' | 'none' */
  get kind(): MacroValue['kind'] {
    return this.parsed.kind;
  }

  get sql(): string {
    return this.parsed.kind === 'lambda' ? '' : valueSql(this.parsed);
  }

  get items(): MacroArg[] {
    return itemsOf(this.parsed).map((i) => new MacroArg(i));
  }

  get name(): string {
    return bareName(this.parsed);
  }

  /** A literal's value (number, string, boolean, null); undefined for other SQL. */
  get value(): SqlValue | undefined {
    if (this.parsed.kind !== 'sql') return undefined;
    const t = this.parsed.text.trim();
    if (!/^('.*'|-?[0-9.]+|TRUE|FALSE|NULL)$/is.test(t)) return undefined;
    return evaluateCondition(t);
  }

  [Symbol.iterator](): Iterator<MacroArg> {
    return this.items[Symbol.iterator]();
  }

  toString(): string {
    return this.sql;
  }
}

/** What a TypeScript macro's first parameter offers (SQLMesh's `evaluator`). */
export interface MacroEvaluatorApi {
  dialect: 'duckdb' | 'postgres';
  /** @DEF values in scope, as SQL text. */
  locals: Record<string, string>;
  /** A config variable (SQLMesh's `evaluator.var`), or `fallback`. */
  var(name: string, fallback?: unknown): unknown;
  /** A blueprint variable's SQL, or `fallback`. */
  blueprintVar(name: string, fallback?: string): string | undefined;
  /** A known relation's columns (a model's, an external model's). Throws when unknown. */
  columns(relation: string): RelationColumn[];
  /** A predefined variable as SQL: `@start_ds`, `@this_model`, ... are filled in when a batch runs. */
  runtime(name: string): string;
  /** Helpers: a double-quoted identifier, a SQL literal. */
  quoteIdentifier(name: string): string;
  literal(value: unknown): string;
  /** In `beforeAll`/`afterAll` only (SQLMesh's evaluator.this_env, .views, .schemas): the environment, its views and their schemas, quoted. */
  readonly thisEnv: string;
  readonly views: string[];
  readonly schemas: string[];
}

export function macroApi(ev: MacroEvaluator, scope: Scope): MacroEvaluatorApi {
  return {
    dialect: ev.ctx.dialect,
    locals: scope.locals(),
    var(name, fallback) {
      const read = readVariable(ev.ctx, name);
      return read === undefined ? fallback : read.value;
    },
    blueprintVar(name, fallback) {
      const v = ev.ctx.blueprint?.[name.toLowerCase()];
      return v ? valueSql(v) : fallback;
    },
    columns(relation) {
      const cols = ev.ctx.columnsOf?.(relation.toLowerCase(), 0);
      if (!cols) throw new Error(`the columns of ${relation} are not known`);
      return cols;
    },
    runtime(name) {
      return valueSql(ev.variable({ type: 'macro', text: `@${name}`, name, start: 0, end: 0 }, scope));
    },
    quoteIdentifier: quoteIdent,
    literal: (v) => valueSql(fromJs(v, ev.ctx.dialect)),
    get thisEnv() {
      return environmentOf(ev, 'thisEnv').name;
    },
    get views() {
      return environmentOf(ev, 'views').views;
    },
    get schemas() {
      return environmentOf(ev, 'schemas').schemas;
    },
  };
}

function environmentOf(ev: MacroEvaluator, what: string) {
  if (!ev.ctx.environment) throw new Error(`evaluator.${what} is only available in the config's beforeAll and afterAll statements`);
  return ev.ctx.environment;
}

/** A macro's return value as SQL: text, an argument, a list of those, or a JavaScript literal. */
export function resultValue(v: unknown): MacroValue {
  if (v instanceof MacroArg) return v.parsed;
  if (typeof v === 'string') return sql(v);
  if (Array.isArray(v)) return { kind: 'list', items: v.map(resultValue) };
  if (v === null) return sql('NULL');
  if (typeof v === 'number' || typeof v === 'boolean') return sql(valueToSql(v));
  return sql(String(v));
}
