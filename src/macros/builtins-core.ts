import { bindArgs } from './bind-args.js';
import { valueToSql } from './condition.js';
import { DeferredError, MacroError, type ArgNode, type MacroEvaluator, type MacroImpl } from './evaluator.js';
import { trimTokens, type Token } from './tokens.js';
import { itemsOf, NONE, sql, stringLiteral, valueSql, type MacroValue, type Scope } from './values.js';

/**
 * SQLMesh's macro operators: @DEF, @IF, @EACH, @REDUCE, @FILTER, @SQL, @EVAL, @VAR,
 * @BLUEPRINT_VAR. Behaviour follows SQLMesh's documentation and its doctests.
 */
export const STATEMENT_KEYWORD = /^(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|GRANT|REVOKE|ANALYZE|VACUUM|SET|COPY|CALL|MERGE|TRUNCATE|COMMENT)$/i;

export const CORE_MACROS: Record<string, MacroImpl> = {
  def(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['name', 'value']);
    const nameTokens = trimTokens(named.get('name')!.tokens);
    if (nameTokens.length !== 1 || nameTokens[0].type !== 'word') throw new MacroError('@DEF needs a plain name first: @DEF(name, value)', named.get('name')!.offset);
    const name = nameTokens[0].text.toLowerCase();
    const value = ev.evalArg(named.get('value')!.tokens, scope);
    scope.set(name, value.kind === 'lambda' ? { ...value, name } : value);
    return NONE;
  },

  if(ev, args, call, scope) {
    // `@IF(cond, INSERT INTO t SELECT a, b FROM u)`: a statement is the rest of the call, commas and all (SQLMesh's statement form has no else).
    if (args.length > 2 && !args[1].keyword && STATEMENT_KEYWORD.test(args[1].tokens[0]?.text ?? '')) {
      const comma = { type: 'op' as const, text: ',', start: args[1].offset, end: args[1].offset };
      args = [args[0], { ...args[1], tokens: args.slice(1).flatMap((a, i) => (i ? [comma, ...a.tokens] : a.tokens)) }];
    }
    const { named } = bindArgs(call, args, ['condition', 'true', 'false'], { required: 2 });
    const cond = named.get('condition')!;
    let holds: boolean;
    try {
      holds = ev.condition(cond.tokens, scope, cond.offset);
    } catch (err) {
      // A condition on @runtime_stage or a time variable is decided when the statement runs:
      // kept as a self-contained @IF whose other macros are already expanded.
      if (!(err instanceof DeferredError) || ev.ctx.runtime) throw err;
      const parts = [...named.values()].map((a) => ev.expand(trimTokens(a.tokens), scope).trim());
      return sql(`@IF(${parts.join(', ')})`);
    }
    const branch = named.get(holds ? 'true' : 'false');
    return branch ? ev.evalArg(branch.tokens, scope) : NONE;
  },

  each(ev, args, call, scope) {
    const { items, fn } = itemsAndLambda(ev, args, call, scope);
    return { kind: 'list', items: items.map((item) => ev.apply(fn, [item], call)).filter((v) => v.kind !== 'none') };
  },

  reduce(ev, args, call, scope) {
    const { items, fn } = itemsAndLambda(ev, args, call, scope);
    if (!items.length) return NONE;
    return items.slice(1).reduce((acc, item) => ev.apply(fn, [acc, item], call), items[0]);
  },

  filter(ev, args, call, scope) {
    const { items, fn } = itemsAndLambda(ev, args, call, scope);
    return { kind: 'list', items: items.filter((item) => ev.holds(fn, item, call)), bracket: true };
  },

  sql(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['sql', 'into'], { required: 1 });
    const arg = named.get('sql')!;
    const value = ev.evalArg(arg.tokens, scope);
    const text = stringLiteral(value);
    if (text !== undefined) return ev.expandGenerated(text, arg.offset, scope);
    // SQLMesh evaluates a non-string argument (`@SQL(@REDUCE([1, 2], (x, y) -> x + y))` is `3`).
    const result = ev.evaluate(value, arg.offset);
    return sql(typeof result === 'string' ? result : valueToSql(result));
  },

  eval(ev, args, call, scope) {
    const { named } = bindArgs(call, args, ['condition']);
    const arg = named.get('condition')!;
    return sql(valueToSql(ev.evaluate(ev.evalArg(arg.tokens, scope), arg.offset)));
  },

  var(ev, args, call, scope) {
    return variableMacro(ev, args, call, scope, 'VAR', (name, at) => ev.configVariable(name, at, false));
  },

  blueprint_var(ev, args, call, scope) {
    return variableMacro(ev, args, call, scope, 'BLUEPRINT_VAR', (name) => ev.ctx.blueprint?.[name.toLowerCase()]);
  },
};

/** `@VAR('name', default)`: the variable, else the default (already SQL), else NULL. */
function variableMacro(ev: MacroEvaluator, args: ArgNode[], call: Token, scope: Scope, what: string, lookup: (name: string, at: number) => MacroValue | undefined): MacroValue {
  const { named } = bindArgs(call, args, ['name', 'default'], { required: 1 });
  const nameArg = named.get('name')!;
  const name = stringLiteral(ev.evalArg(nameArg.tokens, scope));
  if (name === undefined) throw new MacroError(`@${what} needs a quoted variable name: @${what}('name', default)`, nameArg.offset);
  const found = lookup(name, nameArg.offset);
  if (found) return found;
  const def = named.get('default');
  return def ? ev.evalArg(def.tokens, scope) : sql('NULL');
}

/** `(items..., lambda)` as @EACH/@REDUCE/@FILTER take them: one list argument, or the items spelled out. */
function itemsAndLambda(ev: MacroEvaluator, args: ArgNode[], call: Token, scope: Scope): { items: MacroValue[]; fn: MacroValue } {
  const { rest } = bindArgs(call, args, [], { variadic: true, required: 2 });
  const fn = ev.evalArg(rest[rest.length - 1].tokens, scope);
  if (fn.kind !== 'lambda') throw new MacroError(`@${call.name!.toUpperCase()} needs a lambda last, such as x -> x + 1`, rest[rest.length - 1].offset);
  const values = rest.slice(0, -1).map((a) => ev.evalArg(a.tokens, scope));
  const items = values.length === 1 ? itemsOf(values[0]) : values;
  return { items, fn };
}

/** A list's items as SQL texts (for built-ins that take `[a, b]`). */
export function listTexts(v: MacroValue): string[] {
  return itemsOf(v).map((i) => valueSql(i).trim());
}
