import type { Dialect } from '../config/types.js';

/** What kind of values a catalog type holds, as far as comparing them goes. */
export type TypeClass = 'float' | 'decimal' | 'integer' | 'scalar' | 'other';

const FLOAT = /^(double( precision)?|float[48]?|real)$/;
const DECIMAL = /^(decimal|numeric)(\((\d+)(,(\d+))?\))?$/;
const INTEGER = /^(u?(tinyint|smallint|integer|int|bigint|hugeint)|int[1248]|smallserial|serial|bigserial)$/;
// Types with a plain, reliable `=` on both engines. Anything else (PostgreSQL's json has no
// equality at all; structs, lists and user types vary) is compared through its text form.
const SCALAR =
  /^(varchar|text|string|character varying|char|character|bpchar|date|time|timestamp|timestamptz|interval|boolean|bool|uuid|blob|bytea)(\(\d+\))?( with(out)? time zone)?$/;

/** Lowercased, single-spaced, no spaces inside parentheses: `DECIMAL(12, 2)` -> `decimal(12,2)`. */
export function normalizeType(type: string): string {
  return type.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1');
}

export function typeClass(type: string): TypeClass {
  const t = normalizeType(type);
  if (FLOAT.test(t)) return 'float';
  if (DECIMAL.test(t)) return 'decimal';
  if (INTEGER.test(t)) return 'integer';
  if (SCALAR.test(t)) return 'scalar';
  return 'other';
}

/** Scale of a DECIMAL(p,s) type; undefined when the catalog does not say (PostgreSQL's bare `numeric`). */
function decimalScale(type: string): number | undefined {
  const m = DECIMAL.exec(normalizeType(type));
  if (!m || m[3] === undefined) return undefined;
  return m[5] === undefined ? 0 : Number(m[5]);
}

const isNumeric = (c: TypeClass) => c === 'float' || c === 'decimal' || c === 'integer';

/** How one column pair is compared. */
export type Comparison = 'plain' | 'rounded' | 'text';

/**
 * Chooses how values of a column with type `a` on one side and `b` on the other are
 * compared: rounded when either side is floating or a decimal finer than `decimals`,
 * plainly when both have the same comparable type (or are both numbers), else as text.
 */
export function comparisonFor(a: string, b: string, decimals: number): Comparison {
  const ca = typeClass(a);
  const cb = typeClass(b);
  if (isNumeric(ca) && isNumeric(cb)) {
    const fine = (type: string, c: TypeClass) => c === 'float' || (c === 'decimal' && (decimalScale(type) ?? Infinity) > decimals);
    return fine(a, ca) || fine(b, cb) ? 'rounded' : 'plain';
  }
  if (ca === 'scalar' && normalizeType(a) === normalizeType(b)) return 'plain';
  return 'text';
}

/** The expression a value is compared through: `expr` is an already quoted column reference. */
export function comparedValue(expr: string, how: Comparison, decimals: number, dialect: Dialect): string {
  switch (how) {
    case 'plain':
      return expr;
    case 'rounded':
      // PostgreSQL has ROUND(numeric, int) only; DuckDB rounds doubles directly (its NUMERIC is DECIMAL(18,3)).
      return dialect === 'postgres' ? `ROUND(CAST(${expr} AS NUMERIC), ${decimals})` : `ROUND(${expr}, ${decimals})`;
    case 'text':
      return `CAST(${expr} AS TEXT)`;
    default: {
      const never: never = how;
      throw new Error(`unknown comparison ${String(never)}`);
    }
  }
}

/** NULL-safe equality of one column between the two sides: two NULLs are equal. */
export function columnsEqual(a: string, b: string, how: Comparison, decimals: number, dialect: Dialect): string {
  return `${comparedValue(a, how, decimals, dialect)} IS NOT DISTINCT FROM ${comparedValue(b, how, decimals, dialect)}`;
}

/** Join equality of one key column. Keys never hold NULL here, so plain `=` keeps hash joins on every engine. */
export function keysEqual(a: string, b: string, how: Comparison, decimals: number, dialect: Dialect): string {
  return `${comparedValue(a, how, decimals, dialect)} = ${comparedValue(b, how, decimals, dialect)}`;
}
