import { InputError } from '../errors.js';
import { MAX_IDENTIFIER_BYTES, type TableName } from '../util/identifiers.js';

export const PROD = 'prod';

/**
 * The one place that decides how an environment's views are named: prod's view of
 * `analytics.customers` is `analytics.customers`; environment `dev`'s is
 * `analytics__dev.customers`. Another layout (one schema per environment) would change
 * only this function.
 */
export function viewName(schema: string, table: string, environment: string): TableName {
  if (environment === PROD) return { schema, table };
  const envSchema = `${schema}__${environment}`;
  if (Buffer.byteLength(envSchema) > MAX_IDENTIFIER_BYTES) {
    throw new InputError(
      `environment '${environment}' is too long for schema '${schema}': '${envSchema}' passes ${MAX_IDENTIFIER_BYTES} bytes`,
      { code: 'invalid_environment', hint: 'use a shorter environment name' },
    );
  }
  return { schema: envSchema, table };
}
