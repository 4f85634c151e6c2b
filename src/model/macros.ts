import { JINJA_RAW_PREFIX, RUNTIME_VARIABLES } from '../macros/runtime-variables.js';
import { skipQuoted, splitTopLevel } from '../util/sql-text.js';
import type { MacroCall } from './model.js';

/**
 * The macros left in a query after expansion (src/macros/): their values come from the
 * interval being computed, so they are substituted per batch.
 */
export const BUILTIN_MACROS = RUNTIME_VARIABLES;

/** A malformed or unknown macro; offset is a character offset into the query. */
export class MacroError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/**
 * Finds the runtime macros in an expanded query (and @VAR in audits and ad-hoc queries),
 * skipping string literals, quoted identifiers and comments.
 */
export function findMacros(query: string): MacroCall[] {
  const out: MacroCall[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(query, i);
    } else if (ch === '-' && query[i + 1] === '-') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (ch === '/' && query[i + 1] === '*') {
      const close = query.indexOf('*/', i + 2);
      i = close < 0 ? query.length : close + 2;
    } else if (ch === '@' && /[A-Za-z_]/.test(query[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i + 1, i + 200))![0];
      const start = i;
      i += 1 + name.length;
      if (name.toUpperCase() === 'VAR' && query[i] === '(') {
        const close = matchParen(query, i);
        const args = splitArgs(query.slice(i + 1, close));
        const variable = /^'(.*)'$/s.exec(args[0] ?? '')?.[1];
        if (variable === undefined) throw new MacroError(`@VAR needs a quoted variable name: @VAR('name', default)`, start);
        i = close + 1;
        out.push({ name: 'var', variable: variable.replace(/''/g, "'"), defaultText: args[1], start, end: i });
      } else {
        const lower = name.toLowerCase();
        if (!BUILTIN_MACROS.has(lower)) {
          const known = [...BUILTIN_MACROS].filter((m) => !m.startsWith(JINJA_RAW_PREFIX)).map((m) => `@${m}`).join(', ');
          throw new MacroError(`unknown macro @${name} (known: ${known}, @VAR('name', default))`, start);
        }
        out.push({ name: lower, start, end: i });
      }
    } else {
      i++;
    }
  }
  return out;
}

/**
 * The query with each macro replaced by an ASCII placeholder of the same length, so the
 * SQL parser accepts it and its positions stay those of the original text.
 */
export function placeholderQuery(query: string, macros: readonly MacroCall[]): string {
  let out = '';
  let pos = 0;
  for (const m of macros) {
    const len = m.end - m.start;
    // @this_model stands where a table name goes; the others stand where values go.
    const filler = m.name === 'this_model' ? `_${'m'.repeat(len - 1)}` : `'${'x'.repeat(len - 2)}'`;
    out += query.slice(pos, m.start) + filler;
    pos = m.end;
  }
  return out + query.slice(pos);
}

function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(text, i) - 1;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  throw new MacroError('@VAR( is missing its closing parenthesis', open);
}

/** Arguments of a macro call: a trailing empty one (`@VAR('x',)`) is no argument. */
function splitArgs(text: string): string[] {
  const args = splitTopLevel(text);
  if (!args[args.length - 1]) args.pop();
  return args;
}
