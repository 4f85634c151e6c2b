import { InputError } from '../errors.js';
import { lineColumn } from '../util/text-position.js';
import { tokenizeHeader, TokenizeError } from './header-tokens.js';
import { HeaderSyntaxError, readPhrase, TokenStream, describe, type Atom, type Phrase } from './header-values.js';

/**
 * A parsed `KEYWORD ( key value, ... );` header (MODEL or AUDIT): each property's phrase,
 * plus where the header ends so the query can be read after it.
 */
export interface ParsedHeader {
  keyword: string;
  properties: Map<string, Phrase & { keyStart: number }>;
  end: number;
}

/** Parses the header at the start of `text` (after comments and whitespace). */
export function parseHeader(text: string, file: string, keyword: string): ParsedHeader {
  const fail = (message: string, offset: number): never => {
    throw new InputError(message, { location: { file, ...lineColumn(text, offset) }, code: 'invalid_header' });
  };
  try {
    const { tokens, end } = tokenizeHeader(text, 0);
    const ts = new TokenStream(tokens);
    const kw = ts.peek();
    if (kw.type !== 'ident' || kw.value.toUpperCase() !== keyword) {
      fail(`expected the file to start with ${keyword} (...) but found ${describe(kw)}`, kw.start);
    }
    ts.next();
    ts.expect('(');
    const properties = new Map<string, Phrase & { keyStart: number }>();
    for (;;) {
      const key = ts.next();
      if (key.type === 'punct' && key.value === ')') break;
      if (key.type !== 'ident') fail(`expected a property name but found ${describe(key)}`, key.start);
      const name = key.value.toLowerCase();
      if (properties.has(name)) fail(`property '${name}' is set twice`, key.start);
      const phrase = readPhrase(ts);
      if (!phrase.atoms.length) fail(`property '${name}' has no value`, key.end);
      properties.set(name, { ...phrase, keyStart: key.start });
      const sep = ts.next();
      if (sep.type === 'punct' && sep.value === ',') continue;
      if (sep.type === 'punct' && sep.value === ')') break;
      fail(`expected ',' or ')' after property '${name}' but found ${describe(sep)}`, sep.start);
    }
    return { keyword, properties, end };
  } catch (err) {
    if (err instanceof TokenizeError || err instanceof HeaderSyntaxError) fail(err.message, err.offset);
    throw err;
  }
}

/** Helpers to read typed values out of a phrase, failing with the phrase's location. */
export class PhraseReader {
  constructor(private readonly text: string, private readonly file: string) {}

  fail(message: string, offset: number): never {
    throw new InputError(message, { location: { file: this.file, ...lineColumn(this.text, offset) }, code: 'invalid_header' });
  }

  /** A single string, identifier or number. */
  scalar(p: Phrase, what: string): string {
    const a = p.atoms[0];
    if (p.atoms.length !== 1 || a.type === 'group' || a.type === 'op') this.fail(`${what} must be a single value`, p.start);
    return (a as { value: string }).value;
  }

  /** One name or a list of names: `id`, `[a, b]`, `(a, b)`. */
  names(p: Phrase, what: string): string[] {
    const a = p.atoms[0];
    if (p.atoms.length === 1 && a.type === 'group') return a.items.map((item) => this.scalar(item, what));
    return [this.scalar(p, what)];
  }

  boolean(p: Phrase, what: string): boolean {
    const v = this.scalar(p, what).toLowerCase();
    if (v !== 'true' && v !== 'false') this.fail(`${what} must be true or false`, p.start);
    return v === 'true';
  }

  /** `NAME` or `NAME (key value, key := value, ...)`. */
  call(p: Phrase, what: string): { name: string; args: Map<string, Phrase>; start: number } {
    const [head, group, ...rest] = p.atoms;
    if (!head || head.type !== 'ident' || rest.length) this.fail(`${what} must be a name, optionally followed by (...)`, p.start);
    const args = new Map<string, Phrase>();
    if (group) {
      if (group.type !== 'group') this.fail(`${what}: expected '(' after ${(head as { value: string }).value}`, group.start);
      for (const item of (group as Extract<Atom, { type: 'group' }>).items) {
        const [k, maybeOp, ...valueAtoms] = item.atoms;
        if (!k || k.type !== 'ident') this.fail(`${what}: expected an argument name`, item.start);
        const isAssign = maybeOp && maybeOp.type === 'op' && (maybeOp.value === ':=' || maybeOp.value === '=');
        const atoms = isAssign ? valueAtoms : [maybeOp, ...valueAtoms].filter(Boolean);
        if (!atoms.length) this.fail(`${what}: argument '${(k as { value: string }).value}' has no value`, item.end);
        args.set((k as { value: string }).value.toLowerCase(), { atoms, start: atoms[0].start, end: atoms[atoms.length - 1].end });
      }
    }
    return { name: (head as { value: string }).value, args, start: head.start };
  }

  /** The source text of a phrase, e.g. a column type `NUMERIC(12, 2)`. */
  source(p: Phrase): string {
    return this.text.slice(p.start, p.end);
  }
}
