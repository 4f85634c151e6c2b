import type { PlannerConfig } from './types.js';

/** What a config written as a function receives. */
export interface ConfigContext {
  /** The process environment, with the project's `.env` values for names it does not set. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Gives `planner.config.ts` types and editor completion; returns its argument unchanged.
 * A config may be a function of `{ env }` (the process environment plus the project's
 * `.env`), so it reads secrets without `.env` being written into `process.env`.
 * @example export default defineConfig({ gateways: { local: { type: 'duckdb', path: 'w.duckdb' } } })
 * @example export default defineConfig(({ env }) => ({ gateways: { team: { type: 'postgres', url: env.PLANNER_PG_URL } } }))
 */
export function defineConfig<C extends PlannerConfig | ((ctx: ConfigContext) => PlannerConfig | Promise<PlannerConfig>)>(config: C): C {
  return config;
}
