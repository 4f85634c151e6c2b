import { InputError } from '../errors.js';
import { parseDuration } from './environment-settings.js';
import { VIRTUAL_LAYOUTS } from '../util/virtual-layouts.js';
import { isValidIdentifier } from '../util/identifiers.js';
import type { PlannerConfig } from './types.js';

/**
 * Checks the shape of a loaded config: unknown keys, missing required keys and wrong
 * types are errors that name the key path (`gateways.local.path`), so a typo never
 * silently does nothing. Values are never quoted in messages: they may be secrets.
 */
type Rule =
  | 'string'
  | 'number'
  | 'boolean'
  | 'scalar'
  | { oneOf: string[] }
  | { shape: Shape }
  | { record: Rule; keys?: { pattern: RegExp; describe: string } }
  | { byType: Record<string, Rule> }
  | { check: (value: unknown) => string | undefined; base: Rule }
  | { custom: (value: unknown) => string | undefined }
  /** Checks a nested value, undefined included; the problem names the path inside it. */
  | { deep: (value: unknown) => { at: string; expected: string } | undefined }
  | { list: Rule };
interface Shape {
  [key: string]: Rule;
}

const duckdb: Shape = { type: 'string', path: 'string' };
const postgres: Shape = {
  type: 'string',
  url: 'string',
  host: 'string',
  port: 'number',
  database: 'string',
  user: 'string',
  password: 'string',
  poolSize: 'number',
};
const connection: Rule = { byType: { duckdb: { shape: duckdb }, postgres: { shape: postgres } } };
const gateway: Rule = {
  byType: {
    duckdb: { shape: { ...duckdb, state: connection } },
    postgres: { shape: { ...postgres, state: connection } },
  },
};

const PROJECT_NAME = /^[A-Za-z0-9_.@/-]{1,200}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ttl: Rule = {
  base: 'string',
  check: (v) => {
    try {
      parseDuration(v as string);
      return undefined;
    } catch {
      return "a duration such as '7d', '12h', '30m' or 'never'";
    }
  },
};
const variables: Rule = { record: { deep: variableProblem }, keys: { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, describe: 'a variable name (letters, digits, underscores)' } };

/**
 * What SQLMesh's variables validator allows: strings, finite numbers, booleans, null, and
 * lists and plain objects of these, nested. The first value that is not one, by its path
 * under the variable (`[1]`, `.key`), with what it must be.
 */
function variableProblem(v: unknown): { at: string; expected: string } | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const inner = variableProblem(v[i]);
      if (inner) return { at: `[${i}]${inner.at}`, expected: inner.expected };
    }
    return undefined;
  }
  if (isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) {
      const inner = variableProblem(x);
      if (inner) return { at: `.${k}${inner.at}`, expected: inner.expected };
    }
    return undefined;
  }
  return { at: '', expected: 'a string, finite number, boolean, null, or a list or object of these' };
}

const positive: Rule = { base: 'number', check: (v) => ((v as number) > 0 ? undefined : 'a number above 0') };
const policies: Shape = {
  maxRowsPerModel: { base: 'number', check: (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'a whole number of rows') },
  maxBuildMinutes: positive,
  allowedGateways: { list: 'string' },
  sampling: { base: 'number', check: (v) => ((v as number) > 0 && (v as number) < 1 ? undefined : 'a fraction of the rows above 0 and below 1 (0.01 reads 1%)') },
};

const shape: Shape = {
  gateways: { record: gateway, keys: { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/, describe: 'a gateway name (letters, digits, _ and -)' } },
  defaultGateway: 'string',
  modelDefaults: {
    shape: {
      dialect: { oneOf: ['duckdb', 'postgres'] },
      start: { base: 'string', check: (v) => (DATE.test(v as string) && !Number.isNaN(Date.parse(v as string)) ? undefined : "a date 'YYYY-MM-DD'") },
      cron: 'string',
      owner: 'string',
      preStatements: { list: 'string' },
      postStatements: { list: 'string' },
      onVirtualUpdate: { list: 'string' },
    },
  },
  variables,
  environments: {
    record: { shape: { gateway: 'string', ttl, protected: 'boolean', variables, policies: { shape: policies }, changedOnly: 'boolean', requireApproval: 'boolean', allowSelfApproval: 'boolean', sanitized: 'boolean', readRoles: { list: 'string' } } },
    keys: { pattern: /^[a-z*][a-z0-9_*]*$/, describe: "an environment name or a pattern with '*' (lowercase letters, digits, _)" },
  },
  stateSchema: 'string',
  validation: { shape: { rowCountChangePct: 'number', nullRateIncreasePct: 'number', hashTotalChangePct: 'number', uniqueGrain: 'boolean' } },
  project: { base: 'string', check: (v) => (PROJECT_NAME.test(v as string) ? undefined : 'a project name (1 to 200 letters, digits, and . _ - @ /)') },
  virtualLayout: { oneOf: [...VIRTUAL_LAYOUTS] },
  changedOnly: 'boolean',
  masking: { record: { custom: maskProblem }, keys: { pattern: /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, describe: 'a column as schema.model.column' } },
  access: {
    record: { shape: { role: { base: 'string', check: roleProblem }, roles: { list: { base: 'string', check: roleProblem } } } },
    keys: { pattern: /^[a-z*][a-z0-9_*]*$/, describe: "an environment name or a pattern with '*' (lowercase letters, digits, _)" },
  },
  beforeAll: { list: 'string' },
  afterAll: { list: 'string' },
  sharedState: {
    custom: (v) =>
      v === true || v === false || (Array.isArray(v) && v.every((p) => typeof p === 'string' && PROJECT_NAME.test(p)))
        ? undefined
        : 'true, false, or a list of the project names that share this state',
  },
};

/** A role is granted by name: it must pass the identifier check every quoted name passes. */
function roleProblem(v: unknown): string | undefined {
  return isValidIdentifier(String(v)) ? undefined : 'a role name (letters, digits, _)';
}

/** What is wrong with one `masking` rule, or undefined. */
function maskProblem(v: unknown): string | undefined {
  const expected = "'hash', 'redact', 'null', { partial: { first, last } } or { expr: 'SQL' }";
  if (v === 'hash' || v === 'redact' || v === 'null') return undefined;
  if (!isPlainObject(v) || Object.keys(v).length !== 1) return expected;
  if ('expr' in v) return typeof v.expr === 'string' && v.expr.trim() && !v.expr.includes(';') ? undefined : 'an { expr } with one SQL expression';
  if (!('partial' in v) || !isPlainObject(v.partial)) return expected;
  const counts = Object.entries(v.partial);
  const ok = counts.every(([k, n]) => (k === 'first' || k === 'last') && Number.isInteger(n) && (n as number) >= 0);
  return ok ? undefined : 'a { partial: { first, last } } with whole numbers of characters';
}

/** Validates what `planner.config.ts` default-exports; `file` is named in every error. */
export function validateConfig(value: unknown, file: string): PlannerConfig {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) fail('(root)', 'an object (default-export the config, e.g. `export default defineConfig({ ... })`)', file);
  check(value, { shape }, '', file);
  return value as PlannerConfig;
}

function fail(path: string, expected: string, file: string): never {
  throw new InputError(`config key '${path}' must be ${expected}`, { location: { file }, code: 'invalid_config' });
}

function check(value: unknown, rule: Rule, path: string, file: string): void {
  const key = path || '(root)';
  if (typeof rule === 'object' && 'deep' in rule) {
    const problem = rule.deep(value);
    if (problem) fail(key + problem.at, problem.expected, file);
    return;
  }
  if (value === undefined) return;
  if (typeof rule === 'string') {
    if (rule === 'scalar') {
      if (!(value === null || ['string', 'number', 'boolean'].includes(typeof value))) fail(key, 'a string, number, boolean or null', file);
    } else if (typeof value !== rule || (rule === 'number' && !Number.isFinite(value))) fail(key, `a ${rule}`, file);
    return;
  }
  if ('oneOf' in rule) {
    if (typeof value !== 'string' || !rule.oneOf.includes(value)) fail(key, `one of ${rule.oneOf.map((v) => `'${v}'`).join(', ')}`, file);
    return;
  }
  if ('custom' in rule) {
    const problem = rule.custom(value);
    if (problem) fail(key, problem, file);
    return;
  }
  if ('list' in rule) {
    if (!Array.isArray(value)) fail(key, 'a list', file);
    (value as unknown[]).forEach((v, i) => check(v, rule.list, `${key}[${i}]`, file));
    return;
  }
  if ('check' in rule) {
    check(value, rule.base, path, file);
    const problem = rule.check(value);
    if (problem) fail(key, problem, file);
    return;
  }
  if (!isPlainObject(value)) fail(key, 'an object', file);
  if ('byType' in rule) {
    const types = Object.keys(rule.byType);
    if (value.type === undefined) {
      throw new InputError(`config key '${join(path, 'type')}' is required`, {
        location: { file },
        code: 'invalid_config',
        hint: `one of ${types.map((t) => `'${t}'`).join(', ')}`,
      });
    }
    if (typeof value.type !== 'string' || !rule.byType[value.type]) fail(join(path, 'type'), `one of ${types.map((t) => `'${t}'`).join(', ')}`, file);
    check(value, rule.byType[value.type as string], path, file);
    return;
  }
  if ('record' in rule) {
    for (const [k, v] of Object.entries(value)) {
      if (rule.keys && !rule.keys.pattern.test(k)) {
        throw new InputError(`config key '${join(path, k)}' is not ${rule.keys.describe}`, { location: { file }, code: 'invalid_config' });
      }
      check(v, rule.record, join(path, k), file);
    }
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!(k in rule.shape)) {
      throw new InputError(`unknown config key '${join(path, k)}'`, {
        location: { file },
        code: 'invalid_config',
        hint: `known keys here: ${Object.keys(rule.shape).join(', ')}`,
      });
    }
    check(v, rule.shape[k], join(path, k), file);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
