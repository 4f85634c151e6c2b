import { InputError, type SourceLocation } from '../errors.js';

/**
 * The one place names become SQL. Every name is checked against an allowlist
 * (lowercase letters, digits, underscores; not starting with a digit; at most 63 bytes,
 * PostgreSQL's limit) and then always double-quoted, so reserved words work and nothing
 * can be injected.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
export const MAX_IDENTIFIER_BYTES = 63;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES;
}

/** Throws a clear InputError when `name` is not an allowed identifier. */
export function validateIdentifier(name: string, what: string, location?: SourceLocation): string {
  if (!isValidIdentifier(name)) {
    const tooLong = IDENTIFIER.test(name);
    throw new InputError(
      tooLong
        ? `${what} '${name}' is longer than ${MAX_IDENTIFIER_BYTES} bytes`
        : `${what} '${name}' is not a valid name: use lowercase letters, digits and underscores, not starting with a digit`,
      { location, code: 'invalid_identifier' },
    );
  }
  return name;
}

/**
 * Quotes one identifier. Callers pass validated names; quoting still escapes `"` so a
 * name that skipped validation can never end the identifier early.
 * @example quoteIdent('order') // '"order"'
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A schema-qualified, quoted table or view name. */
export interface TableName {
  schema: string;
  table: string;
}

/** @example quoteTable({ schema: 'raw', table: 'orders' }) // '"raw"."orders"' */
export function quoteTable(name: TableName): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(name.table)}`;
}

/** A SQL string literal. Used for values that must be inlined, such as file paths in DDL. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Environment names: lowercase word characters (`dev`, `dev_alice`, `dev__alice`). */
const ENVIRONMENT = /^[a-z][a-z0-9_]*$/;
export const MAX_ENVIRONMENT_BYTES = 40;

export function validateEnvironmentName(name: string): string {
  if (!ENVIRONMENT.test(name) || name.length > MAX_ENVIRONMENT_BYTES) {
    throw new InputError(
      `invalid environment name '${name}': use lowercase letters, digits and underscores, starting with a letter, at most ${MAX_ENVIRONMENT_BYTES} characters`,
      { code: 'invalid_environment' },
    );
  }
  return name;
}
