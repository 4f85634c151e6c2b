import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { InputError } from '../errors.js';
import { validateIdentifier } from '../util/identifiers.js';
import { redact, rememberSecrets } from '../util/secrets.js';
import { gatewaySecrets } from './gateway-secrets.js';
import type { GatewayConfig, PlannerConfig, ResolvedConfig } from './types.js';
import { validateConfig } from './validate-config.js';

const CONFIG_FILES = ['planner.config.ts', 'planner.config.mts', 'planner.config.js', 'planner.config.mjs'];

/**
 * `import { defineConfig } from 'planner'` in a config resolves to this very planner's
 * define-config module, so it loads whether planner is a dependency of the project, a
 * global install, or this repository itself (only types come from the package otherwise).
 */
const DEFINE_CONFIG = [new URL('./define-config.js', import.meta.url), new URL('./define-config.ts', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((f) => existsSync(f))!;

/**
 * Loads the project's `planner.config.ts` (TypeScript, through jiti) and applies defaults.
 * A project without a config file gets one DuckDB gateway at `.planner/warehouse.duckdb`.
 * The project's `.env` is read first, so the config can take secrets from `process.env`;
 * the gateways' passwords are remembered so that no output ever shows them.
 */
export async function loadConfig(projectDir: string): Promise<ResolvedConfig> {
  const dir = resolve(projectDir);
  if (!existsSync(dir)) throw new InputError(`project folder ${dir} does not exist`);
  loadDotEnv(dir);
  const file = CONFIG_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file && !existsSync(join(dir, 'models'))) {
    // Otherwise a mistyped -p would quietly create a warehouse in a folder that is no project.
    throw new InputError(`${dir} is not a planner project: it has neither planner.config.ts nor a models/ folder`, {
      code: 'not_a_project',
      hint: 'run planner in the project folder, or pass -p/--project DIR',
    });
  }
  let config: PlannerConfig = {};
  if (file) {
    let loaded: unknown;
    try {
      const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, alias: { planner: DEFINE_CONFIG } });
      loaded = await jiti.import(file, { default: true });
    } catch (err) {
      throw new InputError(`cannot load config: ${redact((err as Error).message.split('\n')[0])}`, {
        location: { file },
        code: 'invalid_config',
      });
    }
    config = validateConfig(loaded, file);
  }
  return resolveConfig(config, dir, file);
}

export function resolveConfig(config: PlannerConfig, projectDir: string, file?: string): ResolvedConfig {
  const gateways: Record<string, GatewayConfig> = config.gateways && Object.keys(config.gateways).length
    ? config.gateways
    : { local: { type: 'duckdb' as const, path: '.planner/warehouse.duckdb' } };
  rememberSecrets(gatewaySecrets(gateways));
  const defaultGateway = config.defaultGateway ?? Object.keys(gateways)[0];
  const hint = `gateways: ${Object.keys(gateways).join(', ')}`;
  if (!gateways[defaultGateway]) {
    throw new InputError(`config key 'defaultGateway' names unknown gateway '${defaultGateway}'`, {
      location: file ? { file } : undefined,
      code: 'invalid_config',
      hint,
    });
  }
  for (const [name, env] of Object.entries(config.environments ?? {})) {
    if (env.gateway && !gateways[env.gateway]) {
      throw new InputError(`config key 'environments.${name}.gateway' names unknown gateway '${env.gateway}'`, {
        location: file ? { file } : undefined,
        code: 'invalid_config',
        hint,
      });
    }
  }
  const stateSchema = validateIdentifier(config.stateSchema ?? 'planner_state', "config key 'stateSchema'", file ? { file } : undefined);
  return {
    projectDir,
    configFile: file,
    gateways,
    defaultGateway,
    modelDefaults: { dialect: 'duckdb', cron: '@daily', ...config.modelDefaults },
    variables: config.variables ?? {},
    environments: config.environments ?? { prod: { protected: true } },
    stateSchema,
    validation: config.validation ?? {},
  };
}

/** Reads `KEY=value` lines of the project's `.env` into process.env without overriding what is set. */
function loadDotEnv(dir: string): void {
  const file = join(dir, '.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || process.env[m[1]] !== undefined) continue;
    process.env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
}
