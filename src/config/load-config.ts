import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { InputError } from '../errors.js';
import { DEFAULT_LAYOUT } from '../util/virtual-layouts.js';
import { validateIdentifier } from '../util/identifiers.js';
import { redact, type SecretRegistry } from '../util/secrets.js';
import { ConfigTransformCache } from './config-transform-cache.js';
import type { ConfigContext } from './define-config.js';
import { gatewaySecrets } from './gateway-secrets.js';
import type { GatewayConfig, PlannerConfig, ResolvedConfig } from './types.js';
import { validateConfig } from './validate-config.js';

const CONFIG_FILES = ['planner.config.ts', 'planner.config.mts', 'planner.config.js', 'planner.config.mjs'];

/**
 * `import { defineConfig } from 'sql-planner'` (the package's name; 'planner' in configs
 * written before it had one) in a config resolves to this very planner's
 * define-config module, so it loads whether planner is a dependency of the project, a
 * global install, or this repository itself (only types come from the package otherwise).
 */
const DEFINE_CONFIG = [new URL('./define-config.js', import.meta.url), new URL('./define-config.ts', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((f) => existsSync(f))!;

/**
 * Loads the project's `planner.config.ts` (TypeScript, through jiti) and applies defaults.
 * A project without a config file gets one DuckDB gateway at `.planner/warehouse.duckdb`.
 * The project's `.env` is parsed by Node's own parser and never written into
 * `process.env`: a config that is a function gets it as `{ env }`; a config object that
 * reads `process.env.X` while it loads sees the `.env` values only during that load (see
 * `withDotEnv`). The gateways' secrets are listed in `secrets`, and added to `secrets`
 * when a registry is given.
 */
export async function loadConfig(projectDir: string, secrets?: SecretRegistry): Promise<ResolvedConfig> {
  const dir = resolve(projectDir);
  if (!existsSync(dir)) throw new InputError(`project folder ${dir} does not exist`);
  const dotEnv = readDotEnv(dir);
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
      // Loaded only to read a config file: commands that load none (--help, --version, init)
      // and projects without one skip jiti's start-up (about 0.2 s).
      const { createJiti } = await import('jiti');
      // Babel runs only when the config's bytes (or jiti's version) changed: config-transform-cache.ts.
      const transforms = ConfigTransformCache.open(join(dir, '.planner', 'cache'));
      let babel: ReturnType<typeof createJiti> | undefined;
      const transform = transforms.wrap((opts) => {
        babel ??= createJiti(import.meta.url, { moduleCache: false, fsCache: false });
        return { code: babel.transform(opts) };
      });
      const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, transform, alias: { 'sql-planner': DEFINE_CONFIG, planner: DEFINE_CONFIG } });
      loaded = await withDotEnv(dotEnv, async () => {
        const exported = await jiti.import(file, { default: true });
        return typeof exported === 'function' ? (exported as (ctx: ConfigContext) => unknown)({ env: { ...dotEnv, ...process.env } }) : exported;
      });
      transforms.save();
    } catch (err) {
      throw new InputError(`cannot load config: ${redact((err as Error).message.split('\n')[0])}`, {
        location: { file },
        code: 'invalid_config',
      });
    }
    config = validateConfig(loaded, file);
  }
  const resolved = resolveConfig(config, dir, file);
  secrets?.add(resolved.secrets);
  return resolved;
}

export function resolveConfig(config: PlannerConfig, projectDir: string, file?: string): ResolvedConfig {
  const gateways: Record<string, GatewayConfig> = config.gateways && Object.keys(config.gateways).length
    ? config.gateways
    : { local: { type: 'duckdb' as const, path: '.planner/warehouse.duckdb' } };
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
    const unknown = env.policies?.allowedGateways?.find((g) => !gateways[g]);
    if (unknown) {
      throw new InputError(`config key 'environments.${name}.policies.allowedGateways' names unknown gateway '${unknown}'`, {
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
    masking: config.masking ?? {},
    access: config.access ?? {},
    project: config.project ?? defaultProjectName(projectDir),
    sharedState: config.sharedState ?? false,
    secrets: gatewaySecrets(gateways),
    virtualLayout: config.virtualLayout ?? DEFAULT_LAYOUT,
    changedOnly: config.changedOnly ?? false,
    beforeAll: config.beforeAll ?? [],
    afterAll: config.afterAll ?? [],
  };
}

/** package.json's name when the project has one, else the folder's name. */
function defaultProjectName(projectDir: string): string {
  try {
    const name = (JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  } catch {
    // No package.json, or not one we can read: the folder names the project.
  }
  return basename(resolve(projectDir));
}

/** The project's `.env` as Node parses it (`util.parseEnv`, as `node --env-file` does); empty without one. */
function readDotEnv(dir: string): Record<string, string> {
  const file = join(dir, '.env');
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * Runs `fn` (the config's own evaluation) with the `.env` values that the process does
 * not set visible in `process.env`, and takes them away again after: an object config
 * reading `process.env.X` at load sees them, and nothing else in the process ever does.
 */
async function withDotEnv<T>(dotEnv: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const added = Object.keys(dotEnv).filter((k) => process.env[k] === undefined);
  for (const k of added) process.env[k] = dotEnv[k];
  try {
    return await fn();
  } finally {
    for (const k of added) if (process.env[k] === dotEnv[k]) delete process.env[k];
  }
}
