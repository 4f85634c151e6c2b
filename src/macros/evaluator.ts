import type { JinjaMacroFile } from './jinja-macros.js';
import { readVariable, variableKey } from './config-variables.js';
import { evaluateCondition, ConditionError, truthy } from './condition.js';
import { asOperand } from './precedence.js';
import { RUNTIME_VARIABLES } from './runtime-variables.js';
import { isOp, isTrivia, matchBracket, splitTokens, tokenize, trimTokens, TokenError, type Token } from './tokens.js';
import { fromJs, Scope, StructOnPostgres, sql, stringLiteral, valueIdentifier, valueSql, type MacroValue } from './values.js';

/** A macro problem at a character offset of the text being expanded; `file` names a macro file involved. */
export class MacroError extends Error {
  constructor(message: string, readonly offset: number, readonly file?: string) {
    super(message);
  }
}

/** A runtime variable's value was needed (in a condition) while expanding before any batch runs. */
export class DeferredError extends Error {
  constructor(readonly variable: string) {
    super(`@${variable} is known only when the model runs`);
  }
}

/** A top-level macro's span in the source text and in the expanded text. */
export interface Edit {
  srcStart: number;
  srcEnd: number;
  outStart: number;
  outEnd: number;
}

/** The source offset of a position in expanded text; inside a macro's output, the macro's start. */
export function sourceOffset(edits: readonly Edit[], offset: number, base: number): number {
  let shift = base;
  for (const e of edits) {
    if (offset < e.outStart) break;
    if (offset < e.outEnd) return e.srcStart;
    shift = e.srcEnd - e.outEnd;
  }
  return offset + shift;
}

/** One argument as written: its tokens, and the name of a `name := value` keyword argument. */
export interface ArgNode {
  tokens: Token[];
  keyword?: string;
  offset: number;
}

/** A built-in or project macro: receives its unevaluated arguments (so @IF evaluates one branch). */
export type MacroImpl = (ev: MacroEvaluator, args: ArgNode[], call: Token, scope: Scope) => MacroValue;

/** Columns of a relation as @STAR and @UNION need them. */
export interface RelationColumn {
  name: string;
  type?: string;
}

/** Everything expansion reads from outside the text. */
export interface MacroContext {
  dialect: 'duckdb' | 'postgres';
  /** Config (and environment/gateway) `variables`, read by @VAR and plain @name. */
  variables: Record<string, unknown>;
  /** The current blueprint's variables, already parsed as macro values. */
  blueprint?: Record<string, MacroValue>;
  /** Values of variables known when the model loads: @gateway, @model_kind_name, @this_env. */
  statics?: Record<string, string>;
  /** Runtime variables' SQL values, when expanding as a batch runs; absent before (they stay as written). */
  runtime?: Record<string, string>;
  /** A relation's columns (a model's, an external source's); undefined when unknown. */
  columnsOf?: (relation: string, at: number) => RelationColumn[] | undefined;
  /** Built-ins and project macros by lowercase name. */
  macros: Map<string, { impl: MacroImpl; file?: string }>;
  /** Called for every config variable read, so the model can record what it depends on. */
  onVariable?: (name: string, value: unknown) => void;
  /** The project's Jinja macros (`macros/*.sql`), for JINJA_QUERY / JINJA_STATEMENT blocks. */
  jinjaMacros?: readonly JinjaMacroFile[];
  /** For `beforeAll`/`afterAll` only: the environment, its views and their schemas (quoted). */
  environment?: { name: string; views: string[]; schemas: string[] };
}

const MAX_DEPTH = 64;

/**
 * SQLMesh renders a model without the environment (its MacroEvaluator: "Environment name
 * is only available in before_all and after_all"); planner agrees, and for its own reason:
 * a version's table is shared by every environment that uses it, so what it holds cannot
 * depend on which one built it.
 */
export const THIS_ENV_IN_MODEL =
  "@this_env is known only in beforeAll and afterAll, as in SQLMesh: a model's table is shared by every environment that uses its version, so a model cannot depend on the environment's name (use a config variable, per environment in `environments: { dev: { variables } }`)";

/**
 * Expands macros in SQL text. Text outside macros is copied as written; each macro call
 * or variable is replaced by its rendered value. See README "Macros" for the language.
 */
export class MacroEvaluator {
  readonly scope = new Scope();
  private readonly applying: string[] = [];
  private depth = 0;
  private templating = 0;
  /**
   * A query's top-level `@VAR('name', default)` stays as written and is filled in per
   * batch, as before macros expanded at load: the variable's value still enters the
   * fingerprint, and models that only use @VAR keep their fingerprints.
   */
  keepVarCalls = false;

  constructor(readonly ctx: MacroContext) {}

  /** Expands `text`, whose offsets start at `base` in the model file's query text. */
  expandText(text: string, base = 0, scope: Scope = this.scope): string {
    let tokens: Token[];
    try {
      tokens = tokenize(text, base);
    } catch (err) {
      if (err instanceof TokenError) throw new MacroError(err.message, err.offset);
      throw err;
    }
    return this.expand(tokens, scope);
  }

  /**
   * Expands a token run into SQL text. `edits`, when given, receives each top-level macro's
   * span in the source and in the output, so positions in the expanded SQL map back.
   */
  expand(tokens: readonly Token[], scope: Scope, edits?: Edit[]): string {
    const out: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type === 'word' && !isOp(tokens[i - 1], '.') && !isOp(tokens[i + 1], '.')) {
        const p = scope.param(t.text);
        if (p) {
          out.push(asOperand(valueSql(p), prevSolid(tokens, i), nextSolid(tokens, i)));
          continue;
        }
      }
      if (t.type !== 'macro') {
        out.push(t.text);
        continue;
      }
      let value: MacroValue;
      let end = i;
      if (isOp(tokens[i + 1], '(') && !t.brace) {
        end = matchBracket(tokens, i + 1);
        if (end < 0) throw new MacroError(`@${t.name}( is missing its closing parenthesis`, t.start);
        if (this.keepVarCalls && this.depth === 0 && t.name!.toLowerCase() === 'var' && !this.structuredVar(tokens.slice(i + 2, end))) {
          out.push(tokens.slice(i, end + 1).map((x) => x.text).join(''));
          i = end;
          continue;
        }
        value = this.call(t, tokens.slice(i + 2, end), scope);
      } else {
        // In a @SQL('...') template a string value is spliced bare, as SQLMesh's template() does.
        const glued = t.brace || gluedToName(tokens, i) || (this.templating > 0 && stringLiteral(this.variable(t, scope)) !== undefined);
        value = this.variable(t, scope);
        if (glued && value.kind !== 'none') {
          out.push(valueIdentifier(value, !t.brace || gluedToName(tokens, i)));
          continue;
        }
      }
      const text = valueSql(value);
      if (edits) {
        const at = out.join('').length;
        edits.push({ srcStart: t.start, srcEnd: tokens[end].end, outStart: at, outEnd: at + text.length });
      }
      if (text === '') {
        // A macro that renders nothing takes one neighbouring comma with it: `SELECT @IF(FALSE, a), b`.
        let j = end + 1;
        while (isTrivia(tokens[j])) j++;
        if (isOp(tokens[j], ',')) end = j;
        else dropTrailingComma(out);
      } else out.push(text);
      i = end;
    }
    return out.join('');
  }

  /** A token run as one value: a lone macro passes its list/lambda result through; anything else is SQL. */
  valueOf(tokens: readonly Token[], scope: Scope): MacroValue {
    const ts = trimTokens(tokens);
    if (ts.length === 1 && ts[0].type === 'macro') {
      const v = this.variable(ts[0], scope);
      return ts[0].brace || (this.templating > 0 && stringLiteral(v) !== undefined) ? sql(valueIdentifier(v, this.templating > 0)) : v;
    }
    if (ts.length >= 3 && ts[0].type === 'macro' && !ts[0].brace && isOp(ts[1], '(') && matchBracket(ts, 1) === ts.length - 1) {
      return this.call(ts[0], ts.slice(2, -1), scope);
    }
    if (ts.length === 1 && ts[0].type === 'word') {
      const p = scope.param(ts[0].text);
      if (p) return p;
    }
    return sql(this.expand(ts, scope).trim());
  }

  /** Evaluates one argument: a lambda, a `[list]`, a `(tuple, ...)`, or SQL. */
  evalArg(tokens: readonly Token[], scope: Scope): MacroValue {
    const ts = trimTokens(tokens);
    const lambda = readLambda(ts, scope);
    if (lambda) return lambda;
    if (ts.length && isOp(ts[0], '[') && matchBracket(ts, 0) === ts.length - 1) {
      const inner = ts.slice(1, -1);
      const items = trimTokens(inner).length ? splitTokens(inner, ',').map((p) => this.evalArg(p, scope)) : [];
      return { kind: 'list', items, bracket: true };
    }
    if (ts.length && isOp(ts[0], '(') && matchBracket(ts, 0) === ts.length - 1) {
      const parts = splitTokens(ts.slice(1, -1), ',');
      if (parts.length > 1) return { kind: 'list', items: parts.map((p) => this.evalArg(p, scope)), tuple: true };
    }
    return this.valueOf(ts, scope);
  }

  /** Splits a call's argument tokens into positional and `name := value` arguments. */
  args(tokens: readonly Token[]): ArgNode[] {
    if (!trimTokens(tokens).length) return [];
    return splitTokens(tokens, ',').map((part) => {
      const ts = trimTokens(part);
      const offset = ts[0]?.start ?? tokens[0]?.start ?? 0;
      const op = ts.findIndex((t, k) => k > 0 && !isTrivia(t));
      if (ts[0]?.type === 'word' && isOp(ts[op], ':=')) return { tokens: trimTokens(ts.slice(op + 1)), keyword: ts[0].text.toLowerCase(), offset };
      // SQLMesh also accepts `name = value` for keyword arguments of some macros; only `:=` is unambiguous here.
      return { tokens: ts, offset };
    });
  }

  /** A condition's truth: macros expanded, then evaluated as SQL (see condition.ts). */
  condition(tokens: readonly Token[], scope: Scope, at: number): boolean {
    return truthy(this.evaluate(sql(this.expand(trimTokens(tokens), scope)), at));
  }

  /** A value's SQL evaluated as a constant expression (@EVAL, conditions). */
  evaluate(v: MacroValue, at: number) {
    const text = valueSql(v);
    const runtime = tokenize(text).find((t) => t.type === 'macro' && RUNTIME_VARIABLES.has(t.name!.toLowerCase()));
    if (runtime) throw new DeferredError(runtime.name!.toLowerCase());
    try {
      return evaluateCondition(text);
    } catch (err) {
      if (err instanceof ConditionError) throw new MacroError(err.message, at);
      throw err;
    }
  }

  /** `@name`: a lambda parameter or @DEF, a blueprint variable, a config variable, or a predefined one. */
  variable(t: Token, scope: Scope): MacroValue {
    const name = t.name!.toLowerCase();
    const local = scope.get(name);
    if (local) return local;
    const bp = this.ctx.blueprint?.[name];
    if (bp) return bp;
    const configured = this.configVariable(name, t.start, true);
    if (configured) return configured;
    const stat = this.ctx.statics?.[name];
    if (stat !== undefined) return sql(stat);
    if (RUNTIME_VARIABLES.has(name)) {
      const v = this.ctx.runtime?.[name];
      return sql(v ?? `@${name}`);
    }
    if (name === 'this_env') throw new MacroError(THIS_ENV_IN_MODEL, t.start);
    if (this.ctx.macros.has(name)) throw new MacroError(`@${t.name} is a macro function: call it as @${t.name}(...)`, t.start);
    throw new MacroError(`unknown macro @${t.name} (not a @DEF, a blueprint variable, a config variable or a predefined variable)`, t.start);
  }

  /**
   * Whether `@VAR('name', ...)`'s arguments name a list or object variable: such a call is
   * expanded when the model loads (its SQL depends on the dialect), not kept for the batch.
   */
  private structuredVar(args: Token[]): boolean {
    const first = args.find((a) => a.type !== 'ws' && a.type !== 'comment');
    const name = first && stringLiteral(sql(first.text));
    const key = name === undefined ? undefined : variableKey(this.ctx.variables, name);
    const v = key === undefined ? undefined : this.ctx.variables[key];
    return v !== null && typeof v === 'object';
  }

  /**
   * A config variable as a macro value (recorded as read), or undefined when none is set.
   * `plain`: read as `@name`, where SQLMesh makes a list a tuple; @VAR makes it an array.
   */
  configVariable(name: string, at: number, plain: boolean): MacroValue | undefined {
    const read = readVariable(this.ctx, name);
    if (read === undefined) return undefined;
    const { key, value } = read;
    try {
      return fromJs(value, this.ctx.dialect, plain);
    } catch (err) {
      if (err instanceof StructOnPostgres) throw new MacroError(`variable '${key}' is ${err.message}`, at);
      throw err;
    }
  }

  /** `@name(args)`: a @DEF'd lambda, a built-in, or a project macro. */
  call(t: Token, argTokens: Token[], scope: Scope): MacroValue {
    const name = t.name!.toLowerCase();
    if (++this.depth > MAX_DEPTH) throw new MacroError(`macros nest more than ${MAX_DEPTH} deep at @${t.name}`, t.start);
    try {
      const local = scope.get(name);
      if (local) {
        if (local.kind !== 'lambda') throw new MacroError(`@${t.name} is a variable, not a macro function`, t.start);
        const args = this.args(argTokens);
        if (args.some((a) => a.keyword)) throw new MacroError(`@${t.name} takes no keyword arguments`, t.start);
        return this.apply(local, args.map((a) => this.evalArg(a.tokens, scope)), t);
      }
      const m = this.ctx.macros.get(name);
      if (!m) throw new MacroError(unknownMacro(t.name!, this.ctx.macros), t.start);
      return m.impl(this, this.args(argTokens), t, scope);
    } finally {
      this.depth--;
    }
  }

  /** Applies a lambda; a two-parameter lambda given one tuple takes its items (`(x, y) -> ...` over `[(a, b)]`). */
  apply(fn: MacroValue, args: MacroValue[], at: Token): MacroValue {
    if (fn.kind !== 'lambda') throw new MacroError('expected a lambda such as x -> x + 1', at.start);
    let values = args;
    if (fn.params.length > 1 && args.length === 1 && args[0].kind === 'list' && args[0].tuple) values = args[0].items;
    if (values.length !== fn.params.length) {
      throw new MacroError(`${fn.name ? `@${fn.name}` : 'the lambda'} takes ${fn.params.length} argument${fn.params.length === 1 ? '' : 's'} (${fn.params.join(', ')}), not ${values.length}`, at.start);
    }
    if (fn.name && this.applying.includes(fn.name)) {
      throw new MacroError(`@DEF cycle: ${[...this.applying.slice(this.applying.indexOf(fn.name)), fn.name].map((n) => `@${n}`).join(' -> ')}`, at.start);
    }
    const inner = new Scope(fn.scope);
    fn.params.forEach((p, i) => inner.set(p, values[i], true));
    if (fn.name) this.applying.push(fn.name);
    try {
      return this.valueOf(fn.body, inner);
    } finally {
      if (fn.name) this.applying.pop();
    }
  }

  /** Re-tokenizes generated text (a @SQL string) at the offset of the call that produced it. */
  expandGenerated(text: string, at: number, scope: Scope): MacroValue {
    let tokens: Token[];
    try {
      tokens = tokenize(text).map((t) => ({ ...t, start: at, end: at }));
    } catch (err) {
      if (err instanceof TokenError) throw new MacroError(err.message, at);
      throw err;
    }
    this.templating++;
    try {
      return this.valueOf(tokens, scope);
    } finally {
      this.templating--;
    }
  }

  /** Values of a condition for @FILTER: the lambda's result evaluated. */
  holds(fn: MacroValue, item: MacroValue, at: Token): boolean {
    return truthy(this.evaluate(this.apply(fn, [item], at), at.start));
  }
}


function readLambda(ts: Token[], scope: Scope): MacroValue | undefined {
  const arrow = ts.findIndex((t) => isOp(t, '->'));
  if (arrow < 0) return undefined;
  const head = trimTokens(ts.slice(0, arrow));
  let params: string[] | undefined;
  if (head.length === 1 && head[0].type === 'word') params = [head[0].text.toLowerCase()];
  else if (head.length >= 3 && isOp(head[0], '(') && matchBracket(head, 0) === head.length - 1) {
    const names = splitTokens(head.slice(1, -1), ',').map(trimTokens);
    if (names.every((n) => n.length === 1 && n[0].type === 'word')) params = names.map((n) => n[0].text.toLowerCase());
  }
  if (!params) return undefined;
  return { kind: 'lambda', params, body: ts.slice(arrow + 1), scope };
}

function prevSolid(tokens: readonly Token[], i: number): Token | undefined {
  let j = i - 1;
  while (isTrivia(tokens[j])) j--;
  return tokens[j];
}

function nextSolid(tokens: readonly Token[], i: number): Token | undefined {
  let j = i + 1;
  while (isTrivia(tokens[j])) j++;
  return tokens[j];
}

/** `column_@x` / `@{x}_suffix`: the macro touches a name with no space between. */
function gluedToName(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  const touches = (t: Token | undefined) => t !== undefined && (t.type === 'word' || t.type === 'number' || (t.type === 'macro' && !!t.brace));
  return (touches(prev) && prev!.end === tokens[i].start) || (touches(next) && next!.start === tokens[i].end && next!.type !== 'macro');
}

function dropTrailingComma(out: string[]): void {
  for (let k = out.length - 1; k >= 0; k--) {
    if (/^\s*$/.test(out[k])) continue;
    if (out[k] === ',') out.splice(k, 1);
    return;
  }
}

function unknownMacro(name: string, macros: Map<string, unknown>): string {
  const close = [...macros.keys()].filter((k) => k.startsWith(name.toLowerCase().slice(0, 3)));
  return `unknown macro @${name}${close.length ? ` (did you mean ${close.slice(0, 3).map((c) => `@${c}`).join(', ')}?)` : ''}`;
}
