import { InputError } from '../errors.js';
import type { PlannerConfig } from './types.js';

/**
 * Checks the shape of a loaded config: unknown keys and wrong types are errors that
 * name the key path (`gateways.local.path`), so a typo never silently does nothing.
 */
type Rule = 'string' | 'number' | 'boolean' | 'object' | Shape | { record: Rule } | { oneOf: string[] };
interface Shape {
  [key: string]: Rule;
}

const connection: Shape = {
  type: { oneOf: ['duckdb', 'postgres'] },
  path: 'string',
  url: 'string',
  host: 'string',
  port: 'number',
  database: 'string',
  user: 'string',
  password: 'string',
  poolSize: 'number',
};
const gateway: Shape = { ...connection, state: connection };

const shape: Shape = {
  gateways: { record: gateway },
  defaultGateway: 'string',
  modelDefaults: {
    dialect: { oneOf: ['duckdb', 'postgres'] },
    start: 'string',
    cron: 'string',
    owner: 'string',
  },
  variables: 'object',
  environments: {
    record: { gateway: 'string', ttl: 'string', protected: 'boolean', variables: 'object' },
  },
  stateSchema: 'string',
};

export function validateConfig(value: unknown, file: string): PlannerConfig {
  check(value, shape, '', file);
  return value as PlannerConfig;
}

function check(value: unknown, rule: Rule, path: string, file: string): void {
  const fail = (expected: string) => {
    throw new InputError(`config key '${path || '(root)'}' must be ${expected}`, {
      location: { file },
      code: 'invalid_config',
    });
  };
  if (value === undefined) return;
  if (typeof rule === 'string') {
    if (rule === 'object') {
      if (!isPlainObject(value)) fail('an object');
    } else if (typeof value !== rule) fail(`a ${rule}`);
    return;
  }
  if ('oneOf' in rule && Array.isArray(rule.oneOf)) {
    if (typeof value !== 'string' || !rule.oneOf.includes(value)) fail(`one of ${rule.oneOf.map((v) => `'${v}'`).join(', ')}`);
    return;
  }
  if (!isPlainObject(value)) return fail('an object');
  if ('record' in rule && !isShape(rule)) {
    for (const [k, v] of Object.entries(value)) check(v, rule.record as Rule, join(path, k), file);
    return;
  }
  const fields = rule as Shape;
  for (const [k, v] of Object.entries(value)) {
    if (!(k in fields)) {
      throw new InputError(`unknown config key '${join(path, k)}'`, {
        location: { file },
        code: 'invalid_config',
        hint: `known keys here: ${Object.keys(fields).join(', ')}`,
      });
    }
    check(v, fields[k], join(path, k), file);
  }
}

function isShape(rule: object): boolean {
  return !('record' in rule && Object.keys(rule).length === 1);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
