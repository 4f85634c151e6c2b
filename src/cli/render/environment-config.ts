import chalk from 'chalk';
import { environmentSettings } from '../../config/environment-settings.js';
import { maskGateway } from '../../config/gateway-secrets.js';
import type { GatewayConfig, ResolvedConfig } from '../../config/types.js';

/**
 * `planner environments --config`: the configured gateways (passwords masked), the
 * environment rules, and for each named environment the settings it resolves to.
 * `names` are more environments to resolve (those in state); prod and the environments
 * the config names exactly are always included.
 */
export function environmentConfigJson(config: ResolvedConfig, names: readonly string[] = []): Record<string, unknown> {
  // prod, every environment named exactly in the config, and those given (from state).
  const exact = Object.keys(config.environments).filter((k) => !k.includes('*'));
  const resolved = [...new Set(['prod', ...exact, ...names])].sort().map((name) => {
    const s = environmentSettings(config, name);
    return { name, gateway: s.gateway, protected: s.protected, ttl: ttlText(s.ttlMs), variables: s.variables, matchedBy: s.matchedBy };
  });
  return {
    configFile: config.configFile ?? null,
    defaultGateway: config.defaultGateway,
    gateways: Object.fromEntries(Object.entries(config.gateways).map(([n, g]) => [n, maskGateway(g)])),
    variables: config.variables,
    rules: Object.entries(config.environments).map(([key, e]) => ({
      key,
      gateway: e.gateway ?? config.defaultGateway,
      protected: e.protected ?? key === 'prod',
      ttl: e.ttl ?? null,
      variables: e.variables ?? {},
    })),
    environments: resolved,
  };
}

/** The same as text for a terminal. */
export function renderEnvironmentConfig(config: ResolvedConfig, names: readonly string[] = []): string {
  const data = environmentConfigJson(config, names) as {
    gateways: Record<string, GatewayConfig>;
    environments: { name: string; gateway: string; protected: boolean; ttl: string; variables: Record<string, unknown>; matchedBy: string | null }[];
  };
  const lines = [chalk.bold(`Config: ${config.configFile ?? '(no planner.config.ts: defaults)'}`), '', chalk.bold('Gateways')];
  for (const [name, g] of Object.entries(data.gateways)) {
    const isDefault = name === config.defaultGateway ? chalk.gray(' (default)') : '';
    lines.push(`  ${name}${isDefault}  ${describeGateway(g)}`);
  }
  if (Object.keys(config.variables).length) {
    lines.push('', chalk.bold('Variables'), ...Object.entries(config.variables).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`));
  }
  lines.push('', chalk.bold('Rules'));
  for (const [key, e] of Object.entries(config.environments)) {
    const parts = [`gateway ${e.gateway ?? config.defaultGateway}`];
    if (e.protected !== undefined) parts.push(e.protected ? 'protected' : 'not protected');
    if (e.ttl) parts.push(`ttl ${e.ttl}`);
    if (e.variables && Object.keys(e.variables).length) parts.push(`variables ${JSON.stringify(e.variables)}`);
    lines.push(`  ${key}  ${chalk.gray(parts.join(', '))}`);
  }
  lines.push('', chalk.bold('Environments'));
  for (const e of data.environments) {
    const flags = [`gateway ${e.gateway}`, e.protected ? chalk.red('protected') : 'not protected', `ttl ${e.ttl}`];
    if (Object.keys(e.variables).length) flags.push(`variables ${JSON.stringify(e.variables)}`);
    lines.push(`  ${chalk.cyan(e.name)}  ${flags.join(', ')}${chalk.gray(e.matchedBy ? `  (from '${e.matchedBy}')` : '  (defaults)')}`);
  }
  return lines.join('\n');
}

function describeGateway(g: GatewayConfig): string {
  if (g.type === 'duckdb') return `duckdb ${g.path ?? '.planner/warehouse.duckdb'}`;
  if (g.url) return `postgres ${g.url}`;
  const auth = g.user ? `${g.user}${g.password ? ':***' : ''}@` : '';
  return `postgres ${auth}${g.host ?? ''}${g.port ? `:${g.port}` : ''}/${g.database ?? ''}`;
}

function ttlText(ms: number | null): string {
  if (ms === null) return 'never';
  const units: [number, string][] = [[86400000, 'd'], [3600000, 'h'], [60000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
