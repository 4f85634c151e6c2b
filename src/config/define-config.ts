import type { PlannerConfig } from './types.js';

/**
 * Gives `planner.config.ts` types and editor completion; returns its argument unchanged.
 * @example export default defineConfig({ gateways: { local: { type: 'duckdb', path: 'w.duckdb' } } })
 */
export function defineConfig(config: PlannerConfig): PlannerConfig {
  return config;
}
