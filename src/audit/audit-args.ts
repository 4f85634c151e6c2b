import { isValidIdentifier, quoteIdent, quoteLiteral } from '../util/identifiers.js';
import { skipQuoted, splitTopLevel } from '../util/sql-text.js';

/**
 * Reading the arguments of an audit call (`not_null(columns := [id, name])`). The header
 * keeps each argument as its source text; these helpers turn that text into validated
 * column names and re-quoted literals, so no argument text reaches SQL unchecked
 * except `forall`'s criteria, which are SQL the user wrote on purpose, like a model's query.
 */
export class AuditArgError extends Error {}

/** The items of `[a, b]`, `(a, b)` or a single `a`, split at top-level commas. */
export function listItems(text: string): string[] {
  const t = text.trim();
  const inner = isWrapped(t) ? t.slice(1, -1) : t;
  return splitTopLevel(inner).filter((s) => s.length > 0);
}

/** Columns named in an argument, each validated and quoted. */
export function columnList(text: string, arg: string): string[] {
  const items = listItems(text);
  if (!items.length) throw new AuditArgError(`argument '${arg}' names no column`);
  return items.map((item) => column(item, arg));
}

/** One column name, validated and quoted; `"Name"` keeps its case. */
export function column(text: string, arg: string): string {
  const t = text.trim();
  const quoted = /^"((?:[^"]|"")+)"$/.exec(t);
  const name = quoted ? quoted[1].replace(/""/g, '"') : t.toLowerCase();
  if (!quoted && !isValidIdentifier(name)) throw new AuditArgError(`argument '${arg}': '${t}' is not a column name`);
  if (quoted && !/^[A-Za-z_][A-Za-z0-9_ ]*$/.test(name)) throw new AuditArgError(`argument '${arg}': ${t} is not a column name`);
  return quoteIdent(name);
}

/** A SQL literal: a number, a quoted string (re-quoted), TRUE, FALSE or NULL. */
export function literal(text: string, arg: string): string {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return t;
  if (/^(true|false|null)$/i.test(t)) return t.toUpperCase();
  const str = /^'((?:[^']|'')*)'$/.exec(t);
  if (str) return quoteLiteral(str[1].replace(/''/g, "'"));
  throw new AuditArgError(`argument '${arg}': ${t} is not a number, a 'string', TRUE, FALSE or NULL`);
}

/** A whole number, such as `number_of_rows`'s threshold. */
export function wholeNumber(text: string, arg: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new AuditArgError(`argument '${arg}' must be a whole number, got ${t}`);
  return Number(t);
}

/** `true` / `false`. */
export function bool(text: string, arg: string): boolean {
  const t = text.trim().toLowerCase();
  if (t !== 'true' && t !== 'false') throw new AuditArgError(`argument '${arg}' must be true or false, got ${text.trim()}`);
  return t === 'true';
}

function isWrapped(t: string): boolean {
  const open = t[0];
  if (open !== '[' && open !== '(') return false;
  const close = open === '[' ? ']' : ')';
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (ch === "'" || ch === '"') i = skipQuoted(t, i) - 1;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') {
      depth--;
      if (depth === 0) return i === t.length - 1 && ch === close;
    }
  }
  return false;
}
