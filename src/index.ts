/** planner's library API: explicit exports only. */
export { defineConfig } from './config/define-config.js';
export type { PlannerConfig, GatewayConfig, DuckDBGatewayConfig, PostgresGatewayConfig, EnvironmentConfig, ModelDefaults } from './config/types.js';
export { Context, type ContextOptions, type PlanOptions } from './context.js';
export { PlannerError, InputError, ConflictError, EngineError, type SourceLocation } from './errors.js';
export type { Plan, ModelChange, IndirectChange } from './plan/plan.js';
export type { Snapshot, ChangeCategory, Fingerprint } from './snapshot/snapshot.js';
export type { EnvironmentRecord } from './state/state-store.js';
export { main } from './cli/index.js';
