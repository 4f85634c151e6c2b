import { unsupportedDirective } from '../intervals/time-format.js';
import type { KindArgs } from '../kinds/kind-strategy.js';
import type { PhraseReader } from './header-parser.js';
import type { Atom, Phrase } from './header-values.js';

/**
 * The arguments of `kind NAME (...)` as a kind strategy reads them: every value is read
 * through the header's reader, so bad input fails at its file:line:col.
 */
export function kindArgs(r: PhraseReader, args: Map<string, Phrase>, name: string, start: number): KindArgs {
  const value = (k: string) => args.get(k) ?? r.fail(`${name} needs '${k}'`, start);
  return {
    has: (k) => args.has(k),
    text: (k) => r.scalar(value(k), k),
    names(k, hint) {
      const v = value(k);
      if (hint) {
        const group = v.atoms[0];
        const items = v.atoms.length === 1 && group.type === 'group' ? group.items : [v];
        const notName = items.find((item) => item.atoms.length !== 1 || item.atoms[0].type === 'group' || item.atoms[0].type === 'op');
        if (notName) r.fail(`${k} must be a name or a list of names; ${hint}`, notName.start);
      }
      return r.names(v, k);
    },
    namesOrStar(k) {
      const v = value(k);
      const star = (p: Phrase) => p.atoms.length === 1 && p.atoms[0].type === 'op' && p.atoms[0].value === '*';
      const group = v.atoms[0];
      if (star(v) || (v.atoms.length === 1 && group.type === 'group' && group.items.length === 1 && star(group.items[0]))) return '*';
      return r.names(v, k);
    },
    boolean: (k) => (args.has(k) ? r.boolean(args.get(k)!, k) : undefined),
    wholeNumber(k) {
      const v = args.get(k);
      if (!v) return undefined;
      const n = Number(r.scalar(v, k));
      if (!Number.isInteger(n) || n < 0) r.fail(`${k} must be a whole number`, v.start);
      return n;
    },
    columnWithFormat: (k) => readTimeColumn(r, value(k)),
    settings: (k) => readSettings(r, value(k), k),
    fail: (message, k) => r.fail(message, (k ? args.get(k)?.start : undefined) ?? start),
  };
}

/** `time_column ds` or SQLMesh's `time_column (ds, '%Y-%m-%d')`: the column and the format its values are written in. */
function readTimeColumn(r: PhraseReader, p: Phrase): { column: string; format?: string } {
  const group = p.atoms[0];
  if (p.atoms.length !== 1 || group.type !== 'group') return { column: r.scalar(p, 'time_column') };
  const [col, fmt, ...rest] = group.items;
  if (!col || rest.length) r.fail("time_column must be a column, or (column, 'format')", p.start);
  const format = fmt ? r.scalar(fmt, 'time_column format') : undefined;
  if (fmt && (fmt.atoms[0].type !== 'string' || !/%[Ymd]/.test(format!))) r.fail("the time_column format must be a string such as '%Y-%m-%d'", fmt.start);
  const bad = format === undefined ? undefined : unsupportedDirective(format);
  if (bad) r.fail(`the time_column format uses ${bad}; supported: %Y %m %d %H %M %S`, fmt!.start);
  return { column: r.scalar(col, 'time_column'), format };
}

/** `(name = value, ...)` with scalar or list values, keyed by lowercase name. */
function readSettings(r: PhraseReader, p: Phrase, what: string): { values: Record<string, string | string[]>; fail(message: string, name: string): never } {
  const group = p.atoms[0];
  if (p.atoms.length !== 1 || group.type !== 'group') r.fail(`${what} must be a list: (name = value, ...)`, p.start);
  const values: Record<string, string | string[]> = {};
  const at = new Map<string, number>();
  for (const item of (group as Extract<Atom, { type: 'group' }>).items) {
    const [k, op, ...rest] = item.atoms;
    if (!k || k.type !== 'ident' || !op || op.type !== 'op' || (op.value !== '=' && op.value !== ':=') || !rest.length) r.fail(`${what}: expected name = value`, item.start);
    const name = (k as { value: string }).value.toLowerCase();
    if (name in values) r.fail(`${what}: '${name}' is set twice`, item.start);
    const value: Phrase = { atoms: rest, start: rest[0].start, end: rest[rest.length - 1].end };
    values[name] = rest.length === 1 && rest[0].type === 'group' ? r.names(value, `${what} ${name}`) : r.scalar(value, `${what} ${name}`);
    at.set(name, item.start);
  }
  return { values, fail: (message, name) => r.fail(`${what}: ${message}`, at.get(name) ?? p.start) };
}
