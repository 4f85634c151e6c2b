import { InputError } from '../errors.js';

/**
 * Column types from model headers go into DDL, so they are checked against a shape:
 * a type name of words, an optional (precision, scale) and optional [] suffixes.
 */
const TYPE = /^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])*$/;

export function validateColumnType(type: string, column: string): string {
  if (!TYPE.test(type.trim())) {
    throw new InputError(`column '${column}' has an unsupported type '${type}'`, { code: 'invalid_type' });
  }
  return type.trim();
}
