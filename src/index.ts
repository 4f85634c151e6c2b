/**
 * planner's library API: explicit exports only. The CLI (yargs, chalk) is not part of it:
 * it is the package's `./cli` export (`import { main } from 'sql-planner/cli'`).
 */
export { defineConfig } from './config/define-config.js';
export type { PlannerConfig, GatewayConfig, DuckDBGatewayConfig, PostgresGatewayConfig, EnvironmentConfig, ModelDefaults } from './config/types.js';
export { Context, type ContextOptions, type PlanOptions } from './context.js';
export { PlannerError, InputError, ConflictError, EngineError, type SourceLocation } from './errors.js';
export type { Plan, ModelChange, IndirectChange, SnapshotBackfill, BackfillBatch } from './plan/plan.js';
export type { IntervalOptions, TimeInput } from './plan/plan-backfill.js';
export type { RunResult, RunModelResult } from './plan/run-environment.js';
export type { Interval } from './intervals/interval.js';
export { parseCron, type CronSchedule, type CronUnit } from './intervals/cron.js';
export type { Snapshot, ChangeCategory, Fingerprint } from './snapshot/snapshot.js';
export type { EnvironmentRecord } from './state/state-store.js';
export { compareEnvironments, environmentSide, planSide, hasDifferences, type EnvironmentDiff, type EnvironmentSide, type ModelDiff } from './lifecycle/environment-diff.js';
export { invalidateEnvironment, type InvalidateResult } from './lifecycle/invalidate.js';
export { runJanitor, type JanitorOptions, type JanitorReport } from './lifecycle/janitor.js';
export { DEFAULT_SNAPSHOT_TTL_MS } from './lifecycle/janitor-plan.js';
export { verifyState, type VerifyReport, type Problem } from './lifecycle/verify.js';
export { diffTables } from './table-diff/diff-tables.js';
export { diffModel, diffEnvironments, type ModelDiffOptions, type ModelDiffResult, type EnvironmentDiffEntry } from './table-diff/diff-models.js';
export type { TableDiffOptions, TableDiffResult, SchemaDiff, RowDiff, KeyStats, ColumnMatch, DiffSamples, DiffSide } from './table-diff/types.js';
