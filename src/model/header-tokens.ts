/**
 * Tokens of a MODEL (...) / AUDIT (...) header. The header is not SQL, so it gets its
 * own small tokenizer; offsets are character offsets into the whole file so errors can
 * name line and column.
 */
export type TokenType = 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** For strings, the unescaped value; otherwise the source text. */
  value: string;
  start: number;
  end: number;
}

export class TokenizeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/**
 * Tokenizes one header, `KEYWORD ( ... )`, from `start`: it stops after the bracket that
 * closes the first opened one, consuming a `;` that follows it.
 */
export function tokenizeHeader(text: string, start = 0): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  let depth = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new TokenizeError('unterminated comment', i);
      i = close + 2;
    } else if (ch === "'" || ch === '"') {
      const s = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new TokenizeError('unterminated string', s);
        if (text[i] === ch) {
          if (text[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: ch === "'" ? 'string' : 'ident', value, start: s, end: i });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i, i + 40))!;
      tokens.push({ type: 'number', value: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_@]/.test(ch)) {
      const m = /^[A-Za-z_@][A-Za-z0-9_$@]*/.exec(text.slice(i, i + 300))!;
      tokens.push({ type: 'ident', value: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (ch === ':' && text[i + 1] === '=') {
      tokens.push({ type: 'punct', value: ':=', start: i, end: i + 2 });
      i += 2;
    } else if ('()[],.=;'.includes(ch)) {
      if (ch === '(' || ch === '[') depth++;
      if (ch === ')' || ch === ']') depth--;
      tokens.push({ type: 'punct', value: ch, start: i, end: i + 1 });
      i++;
      if (depth === 0 && (ch === ')' || ch === ']')) {
        const semi = /^\s*;/.exec(text.slice(i, i + 200));
        if (semi) i += semi[0].length;
        tokens.push({ type: 'eof', value: '', start: i, end: i });
        return { tokens, end: i };
      }
    } else if ('<>!+-*/%|&^~:'.includes(ch)) {
      // Operators appear inside SQL expressions given to audits: forall(criteria := [a >= 0]).
      const op = /^(<=|>=|<>|!=|\|\||::|[<>!+\-*/%|&^~:])/.exec(text.slice(i, i + 2))![0];
      tokens.push({ type: 'punct', value: op, start: i, end: i + op.length });
      i += op.length;
    } else {
      throw new TokenizeError(`unexpected character '${ch}'`, i);
    }
  }
  tokens.push({ type: 'eof', value: '', start: text.length, end: text.length });
  return { tokens, end: text.length };
}
