/** planner's library API: explicit exports only. */
export { defineConfig } from './config/define-config.js';
export type { PlannerConfig, GatewayConfig, DuckDBGatewayConfig, PostgresGatewayConfig, EnvironmentConfig, ModelDefaults } from './config/types.js';
export { Context, type ContextOptions, type PlanOptions } from './context.js';
export { PlannerError, InputError, ConflictError, EngineError, type SourceLocation } from './errors.js';
export type { Plan, ModelChange, IndirectChange } from './plan/plan.js';
export type { Snapshot, ChangeCategory, Fingerprint } from './snapshot/snapshot.js';
export type { EnvironmentRecord } from './state/state-store.js';
export { diffTables } from './table-diff/diff-tables.js';
export { diffModel, diffEnvironments, type ModelDiffOptions, type ModelDiffResult, type EnvironmentDiffEntry } from './table-diff/diff-models.js';
export type { TableDiffOptions, TableDiffResult, SchemaDiff, RowDiff, KeyStats, ColumnMatch, DiffSamples, DiffSide } from './table-diff/types.js';
export { main } from './cli/index.js';
