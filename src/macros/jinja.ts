import { createRequire } from 'node:module';
import { readVariable } from './config-variables.js';
import { MacroError, THIS_ENV_IN_MODEL } from './evaluator.js';
import { bindJinjaMacros, jinjaErrorAt, nunjucks, type JinjaMacroFile } from './jinja-macros.js';
import { STATEMENT_KEYWORD } from './builtins-core.js';
import { JINJA_RAW_PREFIX, RUNTIME_VARIABLES } from './runtime-variables.js';
import { splitTokens, tokenize, trimTokens } from './tokens.js';

/** What Jinja in a model may read: config variables (`var`) and blueprint variables (`blueprint_var`). */
export interface JinjaContext {
  variables: Record<string, unknown>;
  blueprint?: Record<string, string>;
  /** Called for every config variable read, so the model's fingerprint records it. */
  onVariable?: (name: string, value: unknown) => void;
  /** The gateway's name, `{{ gateway }}` (SQLMesh's variables hold it: known when the model loads). */
  gateway?: string;
  /** The project's Jinja macros (`macros/*.sql`), callable as `{{ name(...) }}`. */
  macros?: readonly JinjaMacroFile[];
}

/** The text with Jinja blocks rendered, and how to map an offset in it back to the text as written. */
export interface RenderedJinja {
  text: string;
  toSource: (offset: number) => number;
}

const BLOCK = /^[ \t]*JINJA_(QUERY|STATEMENT)_BEGIN[ \t]*;[ \t]*\r?\n?([\s\S]*?)^[ \t]*JINJA_END[ \t]*(?:;|$)/gim;

/**
 * Renders SQLMesh's Jinja blocks (`JINJA_QUERY_BEGIN; ... JINJA_END;` for the query,
 * `JINJA_STATEMENT_BEGIN; ... JINJA_END;` for statements) with nunjucks, Jinja2's syntax
 * for what dbt users write ({% if %}, {% for %}, {% set %}, filters). The rendered SQL
 * replaces the block and is what is parsed and fingerprinted. Runtime variables are
 * filled in per batch with what SQLMesh's Jinja prints for them (`{{ start_ds }}` is
 * 2024-01-01, bare; `'{{ start_ds }}'` the literal); reading one in a condition is
 * refused (its value is not known yet). A Jinja error is a MacroError at its line and
 * column in the file.
 */
export function renderJinjaBlocks(text: string, ctx: JinjaContext): RenderedJinja {
  const edits: { srcStart: number; srcEnd: number; outStart: number; outEnd: number }[] = [];
  let out = '';
  let pos = 0;
  for (const m of text.matchAll(BLOCK)) {
    const bodyStart = m.index + m[0].indexOf(m[2], m[0].indexOf(';') + 1);
    const statements = m[1].toUpperCase() === 'STATEMENT';
    const rendered = (statements ? renderStatementBlock(m[2], bodyStart, text, ctx) : renderBlock(m[2], bodyStart, text, ctx)).replace(/[\s;]*$/, '');
    out += text.slice(pos, m.index);
    edits.push({ srcStart: m.index, srcEnd: m.index + m[0].length, outStart: out.length, outEnd: out.length + rendered.length });
    // A query block ends its statement; a statement block's own `;`s separate its statements.
    out += rendered + (m[1].toUpperCase() === 'QUERY' || /JINJA_END[ \t]*;$/i.test(m[0]) ? ';' : '');
    pos = m.index + m[0].length;
  }
  if (!edits.length) return { text, toSource: (o) => o };
  out += text.slice(pos);
  return {
    text: out,
    toSource(o) {
      let delta = 0;
      for (const e of edits) {
        if (o < e.outStart) break;
        if (o < e.outEnd + 1) return e.srcStart;
        delta = e.srcEnd - (e.outEnd + 1);
      }
      return o + delta;
    },
  };
}

const MARK = '\u0001';
/** Runtime variables whose quoted value is what `'{{ name }}'` renders: kept as the macro, as planner wrote them before. */
const QUOTED_AS_MACRO = /^(?:(?:start|end|execution)_ds|(?:start|end)_(?:ts|tstz))$/;

/** The stages a model's statements run in: its table created, a batch evaluated, its view promoted. */
const STATEMENT_STAGES = ['creating', 'evaluating', 'promoting'] as const;

/**
 * A statement block that decides on runtime_stage (`{% if runtime_stage == 'evaluating' %}`),
 * as SQLMesh renders statements per stage: rendered once per stage a statement runs in,
 * each statement kept for its stage as `@IF(@runtime_stage = 'stage', statement)`, which
 * is decided when it runs. Other runtime variables are still only printed.
 */
function renderStatementBlock(body: string, bodyStart: number, text: string, ctx: JinjaContext): string {
  try {
    return renderBlock(body, bodyStart, text, ctx);
  } catch (err) {
    if (!(err instanceof StageRead)) throw err;
  }
  const out: string[] = [];
  for (const stage of STATEMENT_STAGES) {
    const rendered = renderBlock(body, bodyStart, text, ctx, stage);
    for (const st of splitTokens(tokenize(rendered), ';').map(trimTokens).filter((t) => t.length)) {
      const sql = st.map((t) => t.text).join('');
      if (!STATEMENT_KEYWORD.test(st[0].text)) {
        throw new MacroError(`Jinja decides on runtime_stage around '${sql.slice(0, 40)}': planner keeps such a statement for its stage as @IF(@runtime_stage = '${stage}', statement), which needs a statement starting with ${STATEMENT_KEYWORD.source.replace(/[\^$()]/g, '').split('|').join(', ')}`, bodyStart);
      }
      out.push(`@IF(@runtime_stage = '${stage}', ${sql})`);
    }
  }
  return out.join(';\n');
}

/** runtime_stage read in a condition of a statement block: rendered per stage instead. */
class StageRead extends MacroError {}

function renderBlock(body: string, bodyStart: number, text: string, ctx: JinjaContext, stage?: string): string {
  const engine = nunjucks();
  // A bare truth test (`{% if this_env %}`) reads no property of the refusing value below, so
  // any name this_env in the block is refused before it renders.
  const thisEnv = symbolAt(engine, body, 'this_env');
  if (thisEnv !== undefined) throw new MacroError(`Jinja: ${THIS_ENV_IN_MODEL.replace('@this_env', 'this_env')}`, bodyStart + thisEnv);
  const env = new engine.Environment(null, { autoescape: false, throwOnUndefined: true });
  const values: Record<string, unknown> = {
    var(name: string, fallback?: unknown) {
      const read = readVariable(ctx, String(name));
      return read === undefined ? fallback : pythonLike(read.value);
    },
    blueprint_var(name: string, fallback?: unknown) {
      return ctx.blueprint?.[String(name).toLowerCase()] ?? fallback;
    },
  };
  if (ctx.gateway !== undefined) values.gateway = ctx.gateway;
  if (stage) values.runtime_stage = stage;
  // A runtime variable is a marker that counts how often Jinja turns it into text: more
  // often than it appears in the output means a condition or expression read its value.
  // A filter or a method on it (`| replace`, `.upper()`) would need the value itself.
  const conversions = new Map<string, number>();
  let refused: RuntimeRead | undefined;
  const markers = new Map<unknown, string>();
  for (const name of [...RUNTIME_VARIABLES].filter((n) => !n.startsWith(JINJA_RAW_PREFIX) && !(stage && n === 'runtime_stage'))) {
    const mark = `${MARK}${name}${MARK}`;
    const text = () => (conversions.set(name, (conversions.get(name) ?? 0) + 1), mark);
    const marker = new Proxy({}, {
      get: (_t, key) => {
        if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf') return text;
        if (typeof key === 'string' && !['then', 'constructor', '__keywords'].includes(key)) throw (refused = new RuntimeRead(name, `.${key}`));
        return undefined;
      },
    });
    markers.set(marker, name);
    values[name] = marker;
  }
  // this_env: not known to a model (evaluator.ts THIS_ENV_IN_MODEL), so any use is refused.
  values.this_env = new Proxy({}, {
    get: (_t, key) => {
      if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf' || typeof key === 'string') throw (refused = new RuntimeRead('this_env', ''));
      return undefined;
    },
  });
  const filters = (env as unknown as { filters: Record<string, (...args: unknown[]) => unknown> }).filters;
  for (const [filter, fn] of Object.entries(filters)) {
    env.addFilter(filter, (...args: unknown[]) => {
      const read = args.find((a) => markers.has(a));
      if (read !== undefined) throw (refused = new RuntimeRead(markers.get(read)!, ` | ${filter}`));
      return fn(...args);
    });
  }
  let rendered: string;
  try {
    if (ctx.macros?.length) bindJinjaMacros(ctx.macros, env, values);
    for (const [k, v] of Object.entries(values)) env.addGlobal(k, v);
    rendered = env.renderString(body, {});
  } catch (err) {
    // nunjucks wraps what a filter throws in its own error: the refusal is remembered.
    if (refused?.variable === 'this_env') throw new MacroError(`Jinja: ${THIS_ENV_IN_MODEL.replace('@this_env', 'this_env')}`, bodyStart);
    if (refused) throw new (refused.variable === 'runtime_stage' ? StageRead : MacroError)(refusal(refused.variable, refused.use), bodyStart);
    const { message, line, column } = jinjaErrorAt(err as Error);
    const inMacro = /^\((macros\/[^)]*)\)/.exec((err as Error).message)?.[1];
    const offset = line && !inMacro ? lineStart(body, line) + (column ?? 1) - 1 : 0;
    const read = [...conversions.keys()];
    const hint = read.length ? ` (${read.join(', ')} ${read.length === 1 ? 'is' : 'are'} known only when a batch runs: planner renders Jinja when the project loads, so in Jinja runtime variables can only be printed, as in '{{ start_ds }}')` : '';
    throw new MacroError(`Jinja${inMacro ? ` in ${inMacro}${line ? ` line ${line}` : ''}` : ''}: ${message}${hint}`, Math.min(bodyStart + offset, text.length), inMacro);
  }
  for (const [name, n] of conversions) {
    if (rendered.split(`${MARK}${name}${MARK}`).length - 1 < n) {
      throw new (name === 'runtime_stage' ? StageRead : MacroError)(refusal(name, ' in a condition or expression'), bodyStart);
    }
  }
  // '{{ start_ds }}' is the macro @start_ds: its value is that quoted literal. Other
  // runtime variables print SQLMesh's bare text, wherever they are (jinjaValue).
  return rendered
    .replace(new RegExp(`'${MARK}([a-z_]+)${MARK}'`, 'g'), (m, name: string) => (QUOTED_AS_MACRO.test(name) ? `@${name}` : m))
    .replace(new RegExp(`${MARK}([a-z_]+)${MARK}`, 'g'), (_m, name: string) => (name === 'this_model' ? '@this_model' : `@${JINJA_RAW_PREFIX}${name}`));
}

/**
 * A list or object variable as Jinja sees it: iterable and indexable as before, and printed
 * (`{{ var('values') }}`) as SQLMesh's Jinja prints the Python value, `['a', 'b']`, not
 * JavaScript's `a,b`.
 */
function pythonLike(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const out: object = Array.isArray(v) ? v.map(pythonLike) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pythonLike(x)]));
  Object.defineProperty(out, 'toString', { value: () => pythonRepr(v), enumerable: false });
  return out;
}

function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? `"${v}"` : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`).join(', ')}}`;
}

/** A runtime variable used for more than printing. */
class RuntimeRead extends Error {
  constructor(readonly variable: string, readonly use: string) {
    super(`${variable}${use}`);
  }
}

function refusal(name: string, use: string): string {
  return `Jinja reads ${name}${use}: planner renders Jinja when the project loads, before ${name} has a value, so in Jinja it can only be printed ({{ ${name} }}); decide on it outside the block with @IF(@${name} ...) in a statement${name === 'runtime_stage' ? ' (a JINJA_STATEMENT block may decide on runtime_stage: it is rendered per stage)' : ''}`;
}

interface JinjaNode {
  typename?: string;
  value?: unknown;
  lineno?: number;
  colno?: number;
  fields?: string[];
  children?: unknown[];
  [field: string]: unknown;
}

/** The offset in `body` of the first use of the variable `name`, or undefined (also when the body does not parse: rendering reports that). */
function symbolAt(engine: ReturnType<typeof nunjucks>, body: string, name: string): number | undefined {
  let root: JinjaNode;
  try {
    root = (engine as unknown as { parser: { parse(src: string): JinjaNode } }).parser.parse(body);
  } catch {
    return undefined;
  }
  const walk = (n: unknown): number | undefined => {
    if (!n || typeof n !== 'object') return undefined;
    const node = n as JinjaNode;
    if (node.typename === 'Symbol' && node.value === name) return lineStart(body, (node.lineno ?? 0) + 1) + (node.colno ?? 0);
    for (const child of [...(node.fields ?? []).map((f) => node[f]), ...(node.children ?? [])]) {
      const found = Array.isArray(child) ? child.map(walk).find((x) => x !== undefined) : walk(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(root);
}

function lineStart(body: string, line: number): number {
  let at = 0;
  for (let i = 1; i < line; i++) at = body.indexOf('\n', at) + 1;
  return at;
}
