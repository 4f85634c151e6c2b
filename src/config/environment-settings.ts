import { InputError } from '../errors.js';
import type { EnvironmentPolicies, ResolvedConfig } from './types.js';

export interface EnvironmentSettings {
  name: string;
  gateway: string;
  /** Null: never expires (prod, or `ttl: 'never'`). */
  ttlMs: number | null;
  protected: boolean;
  variables: Record<string, unknown>;
  /** Views only for the models the environment changes (prod always has every view). */
  changedOnly: boolean;
  /** The `environments` key that applied (the name itself or a pattern), or null for defaults only. */
  matchedBy: string | null;
  policies: EnvironmentPolicies;
  /** Only approved saved plans may change it (`planner approve`). */
  requireApproval: boolean;
  allowSelfApproval: boolean;
  /** Its views apply the config's column masks. */
  sanitized: boolean;
  /** Roles that may read its views (PostgreSQL): granted by `planner grants` and on every apply. */
  readRoles: string[];
}

const WEEK = 7 * 24 * 3600 * 1000;

/**
 * The settings of one environment: its exact entry in `environments`, else the most
 * specific pattern that matches (`dev_*`), over the defaults (prod protected and never
 * expiring; other environments expiring a week after their last apply).
 */
export function environmentSettings(config: ResolvedConfig, name: string): EnvironmentSettings {
  const key = matchEnvironment(config.environments, name);
  const entry = key === undefined ? undefined : config.environments[key];
  const isProd = name === 'prod';
  return {
    name,
    gateway: entry?.gateway ?? config.defaultGateway,
    // Prod never expires, whatever a pattern such as '*' says: the janitor would drop it.
    ttlMs: isProd ? null : entry?.ttl !== undefined ? parseDuration(entry.ttl) : WEEK,
    protected: entry?.protected ?? isProd,
    variables: { ...config.variables, ...entry?.variables },
    changedOnly: !isProd && (entry?.changedOnly ?? config.changedOnly ?? false),
    matchedBy: key ?? null,
    policies: entry?.policies ?? {},
    requireApproval: entry?.requireApproval ?? false,
    allowSelfApproval: entry?.allowSelfApproval ?? false,
    sanitized: entry?.sanitized ?? false,
    readRoles: readRoles(config, name, entry?.readRoles),
  };
}

/**
 * The roles that read `name`: `access`' entry for it (the name, else the most specific
 * pattern), and the older `environments.<name>.readRoles`, which stays an alias.
 */
function readRoles(config: ResolvedConfig, name: string, alias: readonly string[] = []): string[] {
  const key = matchEnvironment(config.access ?? {}, name);
  const access = key === undefined ? undefined : config.access[key];
  return [...new Set([...(access?.role ? [access.role] : []), ...(access?.roles ?? []), ...alias])];
}

/** The `environments` key for `name`: itself, else the most specific matching pattern. */
export function matchEnvironment(envs: Record<string, unknown>, name: string): string | undefined {
  if (envs[name]) return name;
  const patterns = Object.keys(envs)
    .filter((k) => k.includes('*') && new RegExp(`^${k.split('*').map(escape).join('.*')}$`).test(name))
    .sort((a, b) => b.replace(/\*/g, '').length - a.replace(/\*/g, '').length);
  return patterns[0];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** '7d', '12h', '30m', '45s', or 'never'. */
export function parseDuration(text: string): number | null {
  if (text === 'never') return null;
  const m = /^(\d+)\s*(d|h|m|s|w)$/.exec(text.trim());
  if (!m) throw new InputError(`invalid duration '${text}': use a number and one of w, d, h, m, s (e.g. '7d'), or 'never'`, { code: 'invalid_config' });
  const unit = { w: WEEK, d: 86400000, h: 3600000, m: 60000, s: 1000 }[m[2] as 'w' | 'd' | 'h' | 'm' | 's'];
  return Number(m[1]) * unit;
}
