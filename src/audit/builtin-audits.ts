import { AuditArgError, bool, column, columnList, listItems, literal, wholeNumber } from './audit-args.js';

/**
 * SQLMesh's built-in audits. Each returns a query for the bad rows of `table` (an
 * already quoted name); an audit passes when its query returns no row. `args` are the
 * arguments as written in the model header, by name.
 */
type Builder = (table: string, arg: (name: string) => string, optional: (name: string) => string | undefined) => string;

const BUILTINS: Record<string, { args: string[]; optional?: string[]; build: Builder }> = {
  not_null: {
    args: ['columns'],
    build: (t, arg) => `SELECT * FROM ${t} WHERE ${columnList(arg('columns'), 'columns').map((c) => `${c} IS NULL`).join(' OR ')}`,
  },
  // Each column on its own must hold no value twice; NULLs are not values.
  unique_values: {
    args: ['columns'],
    build: (t, arg) =>
      `SELECT * FROM ${t} WHERE ${columnList(arg('columns'), 'columns')
        .map((c) => `${c} IN (SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING COUNT(*) > 1)`)
        .join(' OR ')}`,
  },
  unique_combination_of_columns: {
    args: ['columns'],
    build: (t, arg) => {
      const cols = columnList(arg('columns'), 'columns').join(', ');
      return `SELECT * FROM ${t} WHERE (${cols}) IN (SELECT ${cols} FROM ${t} GROUP BY ${cols} HAVING COUNT(*) > 1)`;
    },
  },
  accepted_values: {
    args: ['column', 'is_in'],
    build: (t, arg) => `SELECT * FROM ${t} WHERE ${column(arg('column'), 'column')} NOT IN (${values(arg('is_in'))})`,
  },
  not_accepted_values: {
    args: ['column', 'is_in'],
    build: (t, arg) => `SELECT * FROM ${t} WHERE ${column(arg('column'), 'column')} IN (${values(arg('is_in'))})`,
  },
  // Reads at most threshold + 1 rows, so a large table costs no full count.
  number_of_rows: {
    args: ['threshold'],
    build: (t, arg) => {
      const n = wholeNumber(arg('threshold'), 'threshold');
      return `SELECT COUNT(*) AS row_count, ${n} AS threshold FROM (SELECT 1 AS one FROM ${t} LIMIT ${n + 1}) AS limited HAVING COUNT(*) <= ${n}`;
    },
  },
  accepted_range: {
    args: ['column'],
    optional: ['min_v', 'max_v', 'inclusive'],
    build: (t, arg, optional) => {
      const c = column(arg('column'), 'column');
      const min = optional('min_v');
      const max = optional('max_v');
      if (min === undefined && max === undefined) throw new AuditArgError(`needs 'min_v', 'max_v' or both`);
      const inclusive = optional('inclusive') === undefined ? true : bool(optional('inclusive')!, 'inclusive');
      const out: string[] = [];
      if (min !== undefined) out.push(`${c} ${inclusive ? '<' : '<='} ${literal(min, 'min_v')}`);
      if (max !== undefined) out.push(`${c} ${inclusive ? '>' : '>='} ${literal(max, 'max_v')}`);
      return `SELECT * FROM ${t} WHERE ${out.join(' OR ')}`;
    },
  },
  forall: {
    args: ['criteria'],
    build: (t, arg) => {
      const criteria = listItems(arg('criteria'));
      if (!criteria.length) throw new AuditArgError(`argument 'criteria' holds no condition`);
      return `SELECT * FROM ${t} WHERE NOT (${criteria.map((c) => `(${c})`).join(' AND ')})`;
    },
  },
};

/** `not_null_non_blocking` is `not_null` that warns instead of stopping, as in SQLMesh. */
const NON_BLOCKING = '_non_blocking';

/** The built-in an audit name refers to, and whether the name makes it non-blocking. */
export function builtinAudit(name: string): { base: string; nonBlocking: boolean } | undefined {
  if (BUILTINS[name]) return { base: name, nonBlocking: false };
  if (name.endsWith(NON_BLOCKING) && BUILTINS[name.slice(0, -NON_BLOCKING.length)]) {
    return { base: name.slice(0, -NON_BLOCKING.length), nonBlocking: true };
  }
  return undefined;
}

/** Names of the built-in audits, for hints. */
export const BUILTIN_AUDIT_NAMES = Object.keys(BUILTINS);

/**
 * The bad-rows query of a built-in audit on `table`. Throws AuditArgError for a missing,
 * unknown or malformed argument (`blocking` is handled by the caller).
 */
export function builtinAuditQuery(base: string, table: string, args: Record<string, string>): string {
  const spec = BUILTINS[base];
  const known = new Set([...spec.args, ...(spec.optional ?? []), 'blocking']);
  for (const k of Object.keys(args)) {
    if (!known.has(k)) throw new AuditArgError(`unknown argument '${k}' (takes ${[...spec.args, ...(spec.optional ?? [])].join(', ')})`);
  }
  const arg = (name: string) => {
    const v = args[name];
    if (v === undefined) throw new AuditArgError(`needs argument '${name}'`);
    return v;
  };
  return spec.build(table, arg, (name) => args[name]);
}

function values(text: string): string {
  const items = listItems(text);
  if (!items.length) throw new AuditArgError(`argument 'is_in' holds no value`);
  return items.map((v) => literal(v, 'is_in')).join(', ');
}
