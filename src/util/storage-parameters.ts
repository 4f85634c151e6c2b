import { closestNames } from './did-you-mean.js';

/**
 * PostgreSQL's table storage parameters (CREATE TABLE ... WITH (...), PostgreSQL 13+),
 * the values a model's `physical_properties` may set there. Each value is checked here,
 * before it reaches DDL, so a typo is exit 2 at plan instead of an engine error at apply.
 * (The `toast.` variants are left out: a header key is one name.)
 */
type ParameterType = { type: 'int'; min: number; max: number } | { type: 'real'; min: number; max: number } | { type: 'bool' } | { type: 'enum'; values: string[] };

const INT_MAX = 2147483647;
const int = (min: number, max = INT_MAX): ParameterType => ({ type: 'int', min, max });
const real = (min: number, max: number): ParameterType => ({ type: 'real', min, max });
const bool: ParameterType = { type: 'bool' };

const POSTGRES_TABLE_PARAMETERS: Record<string, ParameterType> = {
  fillfactor: int(10, 100),
  toast_tuple_target: int(128, 8160),
  parallel_workers: int(0, 1024),
  autovacuum_enabled: bool,
  vacuum_index_cleanup: { type: 'enum', values: ['auto', 'on', 'off', 'true', 'false'] },
  vacuum_truncate: bool,
  autovacuum_vacuum_threshold: int(0),
  autovacuum_vacuum_scale_factor: real(0, 100),
  autovacuum_vacuum_insert_threshold: int(-1),
  autovacuum_vacuum_insert_scale_factor: real(0, 100),
  autovacuum_analyze_threshold: int(0),
  autovacuum_analyze_scale_factor: real(0, 100),
  autovacuum_vacuum_cost_delay: real(0, 100),
  autovacuum_vacuum_cost_limit: int(1, 10000),
  autovacuum_freeze_min_age: int(0, 1000000000),
  autovacuum_freeze_max_age: int(100000, 2000000000),
  autovacuum_freeze_table_age: int(0, 2000000000),
  autovacuum_multixact_freeze_min_age: int(0, 1000000000),
  autovacuum_multixact_freeze_max_age: int(10000, 2000000000),
  autovacuum_multixact_freeze_table_age: int(0, 2000000000),
  log_autovacuum_min_duration: int(-1),
  user_catalog_table: bool,
};

/** A storage parameter as it goes into DDL: a checked name and its value as plain text (quoted as a literal there). */
export interface StorageParameter {
  name: string;
  value: string;
}

/**
 * Checks one `physical_properties` entry (value as written in the header: `70`, `false`,
 * `'auto'`) against PostgreSQL's table storage parameters. Returns the parameter, or the
 * reason it is refused (with "did you mean" for a misspelled name).
 * @example postgresStorageParameter('fillfactor', '70') // { name: 'fillfactor', value: '70' }
 */
export function postgresStorageParameter(name: string, written: string): StorageParameter | { error: string } {
  const spec = POSTGRES_TABLE_PARAMETERS[name];
  if (!spec) {
    const close = closestNames(name, Object.keys(POSTGRES_TABLE_PARAMETERS));
    return {
      error: `physical_properties: '${name}' is not a PostgreSQL table storage parameter${close.length ? ` (did you mean ${close.join(' or ')}?)` : ''}`,
    };
  }
  const value = (/^'(.*)'$/s.exec(written.trim())?.[1] ?? written.trim()).toLowerCase();
  const bad = (what: string) => ({ error: `physical_properties: ${name} must be ${what}, not ${written.trim()}` });
  switch (spec.type) {
    case 'bool':
      return ['true', 'false', 'on', 'off'].includes(value) ? { name, value } : bad('true or false');
    case 'enum':
      return spec.values.includes(value) ? { name, value } : bad(`one of ${spec.values.join(', ')}`);
    case 'int':
    case 'real': {
      const pattern = spec.type === 'int' ? /^-?\d+$/ : /^-?(\d+(\.\d*)?|\.\d+)$/;
      const n = Number(value);
      const range = `${spec.type === 'int' ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}`;
      return pattern.test(value) && n >= spec.min && n <= spec.max ? { name, value } : bad(range);
    }
  }
}
