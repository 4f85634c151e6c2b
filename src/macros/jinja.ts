import { createRequire } from 'node:module';
import { MacroError } from './evaluator.js';
import { RUNTIME_VARIABLES, TIME_VARIABLES } from './runtime-variables.js';

/** What Jinja in a model may read: config variables (`var`) and blueprint variables (`blueprint_var`). */
export interface JinjaContext {
  variables: Record<string, unknown>;
  blueprint?: Record<string, string>;
  /** Called for every config variable read, so the model's fingerprint records it. */
  onVariable?: (name: string, value: unknown) => void;
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
 * replaces the block and is what is parsed and fingerprinted. Runtime variables
 * ({{ start_ds }}, {{ this_model }}) render as their macros (@start_ds, @this_model) and
 * are filled in per batch: `'{{ start_ds }}'` becomes @start_ds, which is already a
 * quoted literal. A Jinja error is a MacroError at its line and column in the file.
 */
export function renderJinjaBlocks(text: string, ctx: JinjaContext): RenderedJinja {
  const edits: { srcStart: number; srcEnd: number; outStart: number; outEnd: number }[] = [];
  let out = '';
  let pos = 0;
  for (const m of text.matchAll(BLOCK)) {
    const bodyStart = m.index + m[0].indexOf(m[2], m[0].indexOf(';') + 1);
    const rendered = renderBlock(m[2], bodyStart, text, ctx).replace(/[\s;]*$/, '');
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

// Loaded on first use: most projects have no Jinja, and every command loads the project.
let engine: typeof import('nunjucks') | undefined;

function renderBlock(body: string, bodyStart: number, text: string, ctx: JinjaContext): string {
  engine ??= createRequire(import.meta.url)('nunjucks') as typeof import('nunjucks');
  const env = new engine.Environment(null, { autoescape: false, throwOnUndefined: true });
  const values: Record<string, unknown> = {
    var(name: string, fallback?: unknown) {
      const key = Object.keys(ctx.variables).find((k) => k.toLowerCase() === String(name).toLowerCase());
      if (key === undefined) return fallback;
      ctx.onVariable?.(key, ctx.variables[key]);
      return ctx.variables[key];
    },
    blueprint_var(name: string, fallback?: unknown) {
      return ctx.blueprint?.[String(name).toLowerCase()] ?? fallback;
    },
  };
  for (const name of RUNTIME_VARIABLES) values[name] = `@${name}`;
  let rendered: string;
  try {
    rendered = env.renderString(body, values);
  } catch (err) {
    const message = (err as Error).message.replace(/^\(unknown path\)\s*/, '');
    const at = /\[Line (\d+), Column (\d+)\]/.exec(message);
    const offset = at ? lineStart(body, Number(at[1])) + Number(at[2]) - 1 : 0;
    throw new MacroError(`Jinja: ${message.replace(/\[Line \d+, Column \d+\]\s*/, '').trim()}`, Math.min(bodyStart + offset, text.length));
  }
  // A time variable inside quotes is the macro: its value is already a quoted literal.
  return rendered.replace(/'@([a-z_]+)'/g, (m, name: string) => (TIME_VARIABLES.has(name) ? `@${name}` : m));
}

function lineStart(body: string, line: number): number {
  let at = 0;
  for (let i = 1; i < line; i++) at = body.indexOf('\n', at) + 1;
  return at;
}
