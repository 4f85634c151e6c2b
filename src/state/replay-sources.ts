import type { EngineAdapter } from '../engine/engine-adapter.js';
import { recording, replaying, type Recorder, type Replay } from './recorded-reads.js';
import type { StateReader, StateStore } from './state-store.js';

/** What planning reads of the warehouse's catalog (PlanningContext['engine']). */
export type Catalog = Pick<EngineAdapter, 'listObjects' | 'dialect' | 'readLayout'>;

/** The StateReader methods: what a plan or run may read, and what a recording holds. */
export const STATE_READS: ReadonlySet<string> = new Set(Object.keys({
  getEnvironment: 1, listPlans: 1, listEnvironments: 1, getSnapshots: 1, getSnapshotHeads: 1, getBuiltTables: 1, getIntervals: 1, getAutoRestatements: 1,
  schemaVersion: 1, schemaProblems: 1, listProjects: 1, listApprovals: 1, getApprovalEvidence: 1, listSnapshotRefs: 1, listBuiltTables: 1,
} satisfies Record<keyof StateReader, 1>));

/** The catalog reads planning makes. */
export const CATALOG_READS: ReadonlySet<string> = new Set(['listObjects', 'readLayout']);

/**
 * Those a DuckDB engine has (it reads no table layouts): a replay, always of DuckDB, offers
 * just these (test/unit/recorded-reads.test.ts checks them against DuckDBAdapter).
 */
export const DUCKDB_CATALOG_READS: ReadonlySet<string> = new Set(['listObjects']);

/** State and a DuckDB warehouse's catalog answered from `replay`; the catalog has no table layouts to read, as DuckDBAdapter has none. */
export function replayedSources(replay: Replay): { state: StateStore; catalog: Catalog } {
  return {
    state: replaying<StateStore>(replay, STATE_READS),
    catalog: replaying<Catalog>(replay, DUCKDB_CATALOG_READS, { dialect: 'duckdb', readLayout: undefined }),
  };
}

/** State and engine whose reads go into `recorder` (anything else spoils it). */
export function recordedSources<E extends object>(state: StateStore, engine: E, recorder: Recorder): { state: StateStore; engine: E } {
  return { state: recording(state, STATE_READS, recorder), engine: recording(engine, CATALOG_READS, recorder) };
}
