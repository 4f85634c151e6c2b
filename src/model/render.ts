import type { Dialect } from '../config/types.js';
import { MacroEvaluator } from '../macros/evaluator.js';
import { builtinMacros } from '../macros/registry.js';
import { JINJA_RAW_PREFIX, jinjaValue, runtimeValue, RUNTIME_VARIABLES, type RenderTimes, type RuntimeStage } from '../macros/runtime-variables.js';
import { quoteLiteral } from '../util/identifiers.js';
import { fromJs, StructOnPostgres, valueSql } from '../macros/values.js';
import { MacroError } from './macros.js';
import type { MacroCall, TableReference } from './model.js';
import { resolveStatementNames } from '../macros/statement-names.js';

export type { RenderTimes, RuntimeStage };

export interface RenderInput {
  query: string;
  references: readonly TableReference[];
  macros: readonly MacroCall[];
  variables: Record<string, unknown>;
  /** How a list or object variable's @VAR prints (an array, a struct); DuckDB's when absent. */
  dialect?: Dialect;
}

/**
 * The query as it will run: each reference replaced by what `resolve` returns for it
 * (a quoted physical name, or an inlined subquery), each macro by its value. Replacements
 * are spans of the original text, so the rest of the query stays exactly as written.
 */
export function renderQuery(
  input: RenderInput,
  resolve: (ref: TableReference) => string | undefined,
  times: RenderTimes,
  thisModel = '',
  stage: RuntimeStage = 'evaluating',
): string {
  const edits: { start: number; end: number; text: string }[] = [];
  for (const ref of input.references) {
    const text = resolve(ref);
    if (text !== undefined) edits.push({ start: ref.start, end: ref.end, text });
  }
  for (const m of input.macros) edits.push({ start: m.start, end: m.end, text: macroValue(m, input, times, thisModel, stage) });
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += input.query.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return fillJinjaValues(out + input.query.slice(pos), times, stage);
}

const JINJA_RAW = new RegExp(`@${JINJA_RAW_PREFIX}([a-z_]+)`, 'g');

/**
 * What Jinja printed for a runtime variable, bare, wherever it stands: inside a string
 * literal too (`'{{ start_date }} 00:00'`), which macro substitution never enters.
 */
function fillJinjaValues(text: string, times: RenderTimes, stage: RuntimeStage): string {
  return text.includes(`@${JINJA_RAW_PREFIX}`) ? text.replace(JINJA_RAW, (m, name: string) => jinjaValue(name, times, stage) ?? m) : text;
}

function macroValue(m: MacroCall, input: RenderInput, t: RenderTimes, thisModel: string, stage: RuntimeStage): string {
  if (m.name === 'var') {
    const v = input.variables[m.variable!];
    // A default written in the model is already SQL; a configured value is a JS value.
    if (v === undefined) return m.defaultText ?? 'NULL';
    if (v === null || typeof v !== 'object') return sqlLiteral(v);
    // A list or object (a model's query expands these when it loads; an audit's @VAR here), as the evaluator prints it.
    try {
      return valueSql(fromJs(v, input.dialect));
    } catch (err) {
      if (err instanceof StructOnPostgres) throw new MacroError(`variable '${m.variable}' is ${err.message}`, m.start);
      throw err;
    }
  }
  const value = runtimeValue(m.name, t, thisModel, stage);
  if (value === undefined) throw new Error(`no value for macro @${m.name}`);
  return value;
}

/**
 * Statements around a model's query as they run: a @IF on @runtime_stage or a time
 * variable is decided now, and runtime variables are filled in. Other macros were
 * expanded when the model loaded. Model names become what `resolve` gives (statement-names.ts).
 */
export function renderStatements(
  statements: readonly string[],
  dialect: Dialect,
  times: RenderTimes,
  thisModel: string,
  stage: RuntimeStage,
  resolve: (name: string) => string | undefined = () => undefined,
): string[] {
  const runtime: Record<string, string> = {};
  for (const name of RUNTIME_VARIABLES) runtime[name] = runtimeValue(name, times, thisModel, stage)!;
  const ev = new MacroEvaluator({ dialect, variables: {}, runtime, macros: builtinMacros() });
  // Names are resolved before @this_model is filled in, so the name it stands for is never resolved twice.
  return statements.map((s) => ev.expandText(resolveStatementNames(fillJinjaValues(s, times, stage), resolve)).trim()).filter(Boolean);
}

/** A JS value as a SQL literal. */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return quoteLiteral(v);
  return quoteLiteral(JSON.stringify(v));
}

export function ds(d: Date): string {
  return d.toISOString().slice(0, 10);
}
