import { tokenize, type Token } from './tokens.js';

/**
 * A statement around a query (`CREATE INDEX`, `GRANT`, `INSERT ... SELECT`) with each
 * model name replaced by what `resolve` returns for it, as the query's references are:
 * the physical table for statements run in a build, the environment's view for statements
 * run on virtual update. Statements are not parsed (most are not queries), so a name is
 * found as tokens: `schema.table` (either part may be double-quoted), not part of a
 * longer dotted name. Names `resolve` does not know are left as written.
 */
export function resolveStatementNames(sql: string, resolve: (name: string) => string | undefined): string {
  const tokens = tokenize(sql);
  let out = '';
  let i = 0;
  while (i < tokens.length) {
    const name = dottedName(tokens, i);
    const text = name === undefined ? undefined : resolve(name);
    if (text !== undefined) {
      out += text;
      i += 3;
    } else {
      out += tokens[i].text;
      i += 1;
    }
  }
  return out;
}

/** `schema.table` starting at token `i`, lowercase as model names are; undefined elsewhere. */
function dottedName(tokens: readonly Token[], i: number): string | undefined {
  const dot = (t: Token | undefined) => t?.type === 'op' && t.text === '.';
  if (dot(tokens[i - 1]) || !dot(tokens[i + 1]) || dot(tokens[i + 3])) return undefined;
  const a = part(tokens[i]);
  const b = part(tokens[i + 2]);
  return a === undefined || b === undefined ? undefined : `${a}.${b}`;
}

/** An unquoted word matches in any case; a quoted name only as written (lowercase). */
function part(t: Token | undefined): string | undefined {
  if (t?.type === 'word') return t.text.toLowerCase();
  if (t?.type === 'qident' && t.text.startsWith('"')) return t.text.slice(1, -1).replace(/""/g, '"');
  return undefined;
}
