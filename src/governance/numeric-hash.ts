import { validateColumnType } from '../util/column-types.js';

/**
 * The `hash` mask of a numeric column: a number of the column's own type derived from the
 * md5 of its text, where the md5 itself (a hex string) would turn the column into text and
 * fail every reader that casts it or adds it up. Equal values hash alike, so joins on a
 * hashed key still match. Text and every other type keep the md5 (masking.ts).
 *
 * The md5's leading hex digits are read as a number with strpos/substr, which DuckDB and
 * PostgreSQL both run and compute alike (no `0x` cast on one, `bit(n)` on the other):
 * 15 digits (60 bits) for 64-bit and wider types, 7 (28 bits) for INTEGER, reduced to
 * what a narrower type or a DECIMAL(p, s) holds.
 */
export function numericHash(col: string, type: string): string | undefined {
  const t = type.trim().toLowerCase();
  const decimal = /^(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(t);
  let value: string;
  if (decimal) {
    const [precision, scale] = [Number(decimal[1]), Number(decimal[2] ?? 0)];
    const whole = `mod(${hexNumber(col, 15)}, ${10n ** BigInt(Math.min(precision, 18))})`;
    value = scale ? `${whole} * 0.${'0'.repeat(scale - 1)}1` : whole;
  } else if (WIDE.test(t)) value = hexNumber(col, 15);
  else if (/^(?:integer|int|int4|signed|uinteger)$/.test(t)) value = hexNumber(col, 7);
  else if (/^(?:usmallint|smallint|int2|short)$/.test(t)) value = `mod(${hexNumber(col, 7)}, 32768)`;
  else if (/^(?:utinyint|tinyint|int1)$/.test(t)) value = `mod(${hexNumber(col, 7)}, 128)`;
  else return undefined;
  return `CAST(${value} AS ${validateColumnType(type, col)})`;
}

/** 64-bit and wider integers, numbers without a declared precision, and floating point. */
const WIDE = /^(?:bigint|int8|long|ubigint|hugeint|uhugeint|numeric|decimal|double precision|double|float8|float|float4|real)$/;

const HEX = "'0123456789abcdef'";

/**
 * The first `digits` hex digits of the md5 of `col`'s text as a number (a digit's value is
 * its place in HEX, less one), in BIGINT: PostgreSQL's int4 would overflow past 7 digits.
 */
function hexNumber(col: string, digits: number): string {
  const hash = `md5(CAST(${col} AS VARCHAR))`;
  const terms = Array.from({ length: digits }, (_, i) => `(CAST(strpos(${HEX}, substr(${hash}, ${i + 1}, 1)) AS BIGINT) - 1) * ${16n ** BigInt(digits - 1 - i)}`);
  return `(${terms.join(' + ')})`;
}
