import { quotedEnd } from '../util/sql-text.js';

/**
 * A tokenizer for model text that knows just enough SQL to find macros safely: string
 * literals (`'...'`, PostgreSQL `$tag$...$tag$`), quoted identifiers and comments are
 * single tokens, so an `@` inside them is never a macro. Every token keeps its character
 * offsets in the text it came from, which is how errors point at file:line:col.
 */

export type TokenType = 'ws' | 'comment' | 'string' | 'qident' | 'number' | 'word' | 'op' | 'macro';

export interface Token {
  type: TokenType;
  text: string;
  start: number;
  end: number;
  /** For `macro`: the name after `@` (as written) and whether it was `@{name}`. */
  name?: string;
  brace?: boolean;
}

const MULTI_OPS = ['->', ':=', '::', '<=', '>=', '<>', '!=', '==', '||', '=>'];

/** A macro token's `@name` / `@{name}` syntax error, at a character offset. */
export class TokenError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export function tokenize(text: string, base = 0): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (type: TokenType, end: number, extra: Partial<Token> = {}) => {
    out.push({ type, text: text.slice(i, end), start: base + i, end: base + end, ...extra });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1] ?? '';
    if (/\s/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      push('ws', j);
    } else if (ch === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      push('comment', nl < 0 ? text.length : nl);
    } else if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      push('comment', close < 0 ? text.length : close + 2);
    } else if (ch === "'" || ch === '"' || ch === '`') {
      push(ch === "'" ? 'string' : 'qident', skipQuote(text, i));
    } else if (ch === '$' && /[A-Za-z_$]/.test(next) && /^\$[A-Za-z_]*\$/.test(text.slice(i, i + 64))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i, i + 64))![0];
      const close = text.indexOf(tag, i + tag.length);
      push('string', close < 0 ? text.length : close + tag.length);
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(next))) {
      const m = /^(?:[0-9]*\.?[0-9]+|[0-9]+\.)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      push('number', i + m[0].length);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i))!;
      push('word', i + m[0].length);
    } else if (ch === '@' && next === '{') {
      const close = text.indexOf('}', i);
      const name = close < 0 ? '' : text.slice(i + 2, close).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TokenError('@{...} needs a macro variable name inside the braces', base + i);
      push('macro', close + 1, { name, brace: true });
    } else if (ch === '@' && /[A-Za-z_]/.test(next)) {
      const m = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i))!;
      push('macro', i + m[0].length, { name: m[1] });
    } else {
      const op = MULTI_OPS.find((o) => text.startsWith(o, i));
      push('op', i + (op?.length ?? 1));
    }
  }
  return out;
}

/** Index just past the quoted run starting at `i`; an unclosed one is an error at its opening quote. */
function skipQuote(text: string, i: number): number {
  const end = quotedEnd(text, i);
  if (end !== null) return end;
  throw new TokenError(text[i] === "'" ? 'string literal is not closed' : 'quoted identifier is not closed', i);
}

export const isTrivia = (t: Token | undefined): boolean => t !== undefined && (t.type === 'ws' || t.type === 'comment');

/** Tokens without leading and trailing whitespace and comments. */
export function trimTokens(tokens: readonly Token[]): Token[] {
  let a = 0;
  let b = tokens.length;
  while (a < b && isTrivia(tokens[a])) a++;
  while (b > a && isTrivia(tokens[b - 1])) b--;
  return tokens.slice(a, b);
}

export function isOp(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.type === 'op' && t.text === text;
}

export function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.type === 'word' && t.text.toUpperCase() === word;
}

/** Index of the token closing the bracket opened at `open` (`(`/`[`), or -1. */
export function matchBracket(tokens: readonly Token[], open: number): number {
  const opener = tokens[open].text;
  const closer = opener === '(' ? ')' : ']';
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'op') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      depth--;
      if (depth === 0) return t.text === closer ? i : -1;
    }
  }
  return -1;
}

/** Splits at top-level occurrences of the `sep` op (`,` or `;`), outside brackets. */
export function splitTokens(tokens: readonly Token[], sep: string): Token[][] {
  const out: Token[][] = [];
  let depth = 0;
  let cur: Token[] = [];
  for (const t of tokens) {
    if (t.type === 'op' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.type === 'op' && (t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && t.type === 'op' && t.text === sep) {
      out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  out.push(cur);
  return out;
}

export const tokensText = (tokens: readonly Token[]): string => tokens.map((t) => t.text).join('');
