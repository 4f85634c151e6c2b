import { tokenize, type Token } from './tokens.js';

/**
 * Text substitution of a SQL fragment into an expression can change what it means
 * (`x * 2` with x = `a + b`). SQLMesh substitutes syntax trees, so this puts parentheses
 * exactly where the fragment's weakest operator binds looser than its neighbours.
 */
const WORD_PREC: Record<string, number> = { OR: 1, AND: 2, NOT: 3, LIKE: 4, ILIKE: 4, IN: 4, IS: 4, BETWEEN: 4 };
const OP_PREC: Record<string, number> = {
  '=': 4, '==': 4, '!=': 4, '<>': 4, '<': 4, '>': 4, '<=': 4, '>=': 4,
  '||': 5, '+': 6, '-': 6, '*': 7, '/': 7, '%': 7, '::': 9,
};

export function tokenPrecedence(t: Token | undefined): number | undefined {
  if (!t) return undefined;
  if (t.type === 'word') return WORD_PREC[t.text.toUpperCase()];
  if (t.type === 'op') return OP_PREC[t.text];
  return undefined;
}

/** The precedence of the weakest top-level operator in `text`; Infinity for an atom; -1 when it is not one expression (`a AS b`, `a, b`). */
export function fragmentPrecedence(text: string): number {
  let tokens: Token[];
  try {
    tokens = tokenize(text).filter((t) => t.type !== 'ws' && t.type !== 'comment');
  } catch {
    return Infinity;
  }
  let depth = 0;
  let min = Infinity;
  let prevIsOperand = false;
  for (const t of tokens) {
    const upper = t.type === 'word' ? t.text.toUpperCase() : '';
    if ((t.type === 'op' && (t.text === '(' || t.text === '[')) || upper === 'CASE') {
      depth++;
      prevIsOperand = false;
      continue;
    }
    if ((t.type === 'op' && (t.text === ')' || t.text === ']')) || upper === 'END') {
      depth--;
      prevIsOperand = true;
      continue;
    }
    if (depth > 0) continue;
    if (upper === 'AS' || (t.type === 'op' && (t.text === ',' || t.text === ';'))) return -1;
    const p = tokenPrecedence(t);
    // A leading or repeated `-`/`NOT` is unary: it binds tighter than the binary operators here.
    if (p !== undefined && (prevIsOperand || upper === 'NOT')) {
      min = Math.min(min, p);
      prevIsOperand = false;
    } else prevIsOperand = p === undefined;
  }
  return min;
}

/** `text` as an operand between `prev` and `next`, parenthesized when needed. */
export function asOperand(text: string, prev: Token | undefined, next: Token | undefined): string {
  const p = fragmentPrecedence(text);
  if (p < 0 || p === Infinity) return text;
  const left = tokenPrecedence(prev) ?? 0;
  const right = tokenPrecedence(next) ?? 0;
  // The right operand of a non-associative operator needs them at equal precedence too: a - (b - c).
  const rightOfNonAssoc = prev?.type === 'op' && ['-', '/', '%'].includes(prev.text) && p === left;
  return p < Math.max(left, right) || rightOfNonAssoc ? `(${text})` : text;
}

/** `text` as an operand of an operator of precedence `prec` (for SQL the built-ins write). */
export function operand(text: string, prec: number, rightOfNonAssoc = false): string {
  const p = fragmentPrecedence(text.trim());
  if (p < 0 || p === Infinity) return text.trim();
  return p < prec || (rightOfNonAssoc && p === prec) ? `(${text.trim()})` : text.trim();
}
