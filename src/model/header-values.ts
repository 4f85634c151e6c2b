import type { Token } from './header-tokens.js';

/**
 * The generic value grammar of a header: a property is a "phrase", a run of atoms up to
 * a comma or closing bracket. Interpreting phrases (a kind, a column list, audits) is
 * left to the caller, which knows the property.
 */
export type Atom =
  | { type: 'ident' | 'string' | 'number' | 'op'; value: string; start: number; end: number }
  | { type: 'group'; bracket: '(' | '['; items: Phrase[]; start: number; end: number };

export interface Phrase {
  atoms: Atom[];
  start: number;
  end: number;
}

export class HeaderSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export class TokenStream {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i];
  }

  next(): Token {
    return this.tokens[Math.min(this.i++, this.tokens.length - 1)];
  }

  expect(value: string): Token {
    const t = this.next();
    if (t.value.toLowerCase() !== value.toLowerCase() || t.type === 'string') {
      throw new HeaderSyntaxError(`expected '${value}' but found ${describe(t)}`, t.start);
    }
    return t;
  }
}

export function describe(t: Token): string {
  return t.type === 'eof' ? 'end of header' : `'${t.value}'`;
}

/** A dotted name such as `raw.orders` is one ident atom. */
export function readPhrase(ts: TokenStream): Phrase {
  const atoms: Atom[] = [];
  for (;;) {
    const t = ts.peek();
    if (t.type === 'eof' || (t.type === 'punct' && [',', ')', ']'].includes(t.value))) break;
    ts.next();
    if (t.type === 'punct' && (t.value === '(' || t.value === '[')) {
      atoms.push(readGroup(ts, t));
    } else if (t.type === 'punct' && !['(', ')', '[', ']', ',', '.', ';'].includes(t.value)) {
      atoms.push({ type: 'op', value: t.value, start: t.start, end: t.end });
    } else if (t.type === 'punct' && t.value === '.') {
      const prev = atoms[atoms.length - 1];
      const nxt = ts.next();
      if (!prev || prev.type !== 'ident' || nxt.type !== 'ident') {
        throw new HeaderSyntaxError(`unexpected '.'`, t.start);
      }
      prev.value = `${prev.value}.${nxt.value}`;
      prev.end = nxt.end;
    } else if (t.type === 'ident' || t.type === 'string' || t.type === 'number') {
      atoms.push({ type: t.type, value: t.value, start: t.start, end: t.end });
    } else {
      throw new HeaderSyntaxError(`unexpected ${describe(t)}`, t.start);
    }
  }
  const first = atoms[0];
  const last = atoms[atoms.length - 1];
  const here = ts.peek().start;
  return { atoms, start: first?.start ?? here, end: last?.end ?? here };
}

function readGroup(ts: TokenStream, open: Token): Atom {
  const close = open.value === '(' ? ')' : ']';
  const items: Phrase[] = [];
  for (;;) {
    const t = ts.peek();
    if (t.type === 'punct' && t.value === close) {
      ts.next();
      return { type: 'group', bracket: open.value as '(' | '[', items, start: open.start, end: t.end };
    }
    const phrase = readPhrase(ts);
    if (phrase.atoms.length) items.push(phrase);
    const sep = ts.peek();
    if (sep.type === 'punct' && sep.value === ',') {
      ts.next();
      continue;
    }
    if (!(sep.type === 'punct' && sep.value === close)) {
      throw new HeaderSyntaxError(`expected ',' or '${close}' but found ${describe(sep)}`, sep.start);
    }
  }
}
