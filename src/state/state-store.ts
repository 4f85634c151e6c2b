import type { MaskRule } from '../config/types.js';
import type { Interval } from '../intervals/interval.js';
import type { Snapshot, SnapshotModel } from '../snapshot/snapshot.js';
import type { VirtualLayout } from '../snapshot/virtual-names.js';

/** An environment as recorded: the snapshots its views point at, and which plan set them. */
export interface EnvironmentRecord {
  name: string;
  /** Model name -> snapshot id, for every model of the project the environment was planned from. */
  snapshots: Record<string, string>;
  /** The models that have a view in this environment (a dev environment views only what it changed). */
  views: string[];
  /** Where its views live; records made before layouts existed have none: 'schema-suffix'. */
  layout?: VirtualLayout;
  /** A sanitized environment's column masks, as its views apply them (model -> column -> mask). */
  masks?: Record<string, Record<string, MaskRule>>;
  /** The environment this one was first created from (prod unless `--create-from`). */
  createdFrom: string | null;
  planId: string;
  previousPlanId: string | null;
  createdAt: number;
  updatedAt: number;
  /** Null for environments that never expire (prod). */
  expiresAt: number | null;
}

/** A physical table (or view) that has been fully built for one model version. */
export interface PhysicalTableRecord {
  name: string;
  version: string;
  schema: string;
  table: string;
  builtAt: number;
}

/** A snapshot row without its payload: enough to tell which tables are in use. */
export interface SnapshotRef {
  id: string;
  name: string;
  version: string;
  createdAt: number;
}

/**
 * What `planner run` reads of a model to tell whether it is due, and to order and select
 * models: its kind (interval unit, batch size, lookback, auto-restatement), cron, start
 * and tags; `file` names it in an error. Nothing to render or build from.
 */
export type SnapshotSchedule = Pick<SnapshotModel, 'kind' | 'cron' | 'start' | 'tags' | 'file'>;

/**
 * A stored snapshot without its model definition (the bulk of its payload), as state
 * keeps it in its own column (migration 7): enough to compare ids, versions and tables and
 * to tell what is due, never to render or build. Its `model` is only the schedule, so it
 * cannot stand in for a `Snapshot`; `snapshotOfHead` (snapshot/make-snapshot.ts) makes one
 * with the local model whose fingerprint gave the same id, `getSnapshots` loads one.
 * A whole `Snapshot` is a head too.
 */
export type SnapshotHead = Omit<Snapshot, 'model'> & { model: SnapshotSchedule };

/** An applied plan, kept for `planner environments` and audit trails. */
export interface PlanRecord {
  id: string;
  environment: string;
  appliedAt: number;
  summary: Record<string, unknown>;
}

/** One person's approval of a saved plan file, bound to the file's hash. */
export interface ApprovalRecord {
  planHash: string;
  planId: string;
  environment: string;
  /** Who saved the plan (from the file). */
  author: string;
  approvedBy: string;
  approvedAt: number;
  comment: string | null;
}

/**
 * What an approval was given on (state migration 6): a saved plan's evidence reduced at
 * `planner approve` time to what a later reader of the environment needs. Compact on
 * purpose: no SQL diffs, no row values, since state is read by every command and kept
 * for as long as the environment; the plan file keeps the rest.
 */
export interface ApprovalEvidence {
  planId: string;
  /** The plan file's checksum, which the approval is bound to. */
  planHash: string;
  /** The environment the metrics and audits were taken from (`--from`), or null for changes only. */
  from: string | null;
  /** How many models the plan changes, by kind of change. */
  changes: { directlyModified: number; indirectlyModified: number; added: number; removed: number };
  /** Models whose metrics were measured. */
  measured: number;
  /**
   * Each metric past its threshold: its value in the plan's environment (`prod`) and in
   * `from` (`env`), as measured (a NULL rate as a share of rows, a unique grain as distinct
   * keys), null where one has none; the threshold as config spells it (null for a rule).
   */
  flags: { model: string; metric: string; column?: string; prod: number | null; env: number | null; threshold: number | null; message: string }[];
  /** The changed models' audits as run on `from`'s tables. */
  audits: { model: string; passed: number; failed: number; errors: number; failedAudits: string[] }[];
  /** Changed models whose version in `from` is not the planned one (their metrics are not of it). */
  notAsPlanned: string[];
}

/** A state table or column that the recorded state version has and the database lacks. */
export interface StateSchemaProblem {
  /** `schema.table` */
  object: string;
  message: string;
}

/** Read side of state: what planning needs. */
export interface StateReader {
  getEnvironment(name: string): Promise<EnvironmentRecord | undefined>;
  /** The plans applied to an environment, oldest first. */
  listPlans(environment: string): Promise<PlanRecord[]>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  /** The snapshots with these ids that exist, keyed by id, with their whole payloads: one batch, never one query per id. */
  getSnapshots(ids: readonly string[]): Promise<Map<string, Snapshot>>;
  /** The heads of the snapshots with these ids that exist, keyed by id, read without their payloads. */
  getSnapshotHeads(ids: readonly string[]): Promise<Map<string, SnapshotHead>>;
  /** Which of these `name@version` keys have a fully built physical table. */
  getBuiltTables(keys: readonly string[]): Promise<Map<string, PhysicalTableRecord>>;
  /** The computed intervals of these `name@version` keys, merged and sorted; keys with none are absent. */
  getIntervals(keys: readonly string[]): Promise<Map<string, Interval[]>>;
  /** When these `name@version` keys are next auto-restated (epoch ms); keys never restated are absent. */
  getAutoRestatements(keys: readonly string[]): Promise<Map<string, number>>;
  /** The recorded state version: 0 for a fresh database; any failure to read it is an error. */
  schemaVersion(): Promise<number>;
  /** Tables and columns the recorded version has that the database lacks (none when it matches). */
  schemaProblems(): Promise<StateSchemaProblem[]>;
  /** The projects registered in this state, the owner first. */
  listProjects(): Promise<string[]>;
  /** The approvals of one saved plan (by its hash), or of every plan of `environment`; oldest first. */
  listApprovals(filter: { planHash?: string; environment?: string }): Promise<ApprovalRecord[]>;
  /** The evidence summaries recorded for these plan hashes; plans approved before state kept them are absent. */
  getApprovalEvidence(planHashes: readonly string[]): Promise<Map<string, ApprovalEvidence>>;
  /** Every snapshot row, without payloads (for the janitor). */
  listSnapshotRefs(): Promise<SnapshotRef[]>;
  /** Every built physical table recorded. */
  listBuiltTables(): Promise<PhysicalTableRecord[]>;
}

/**
 * Everything a plan may ask of state in batches, whole, but the snapshots themselves: which
 * snapshots exist (their refs), every built table, every version's intervals and auto-restatement,
 * every environment. Read where a plan's reads are recorded (state/recorded-reads.ts), so
 * that a later plan asking other keys of these tables is answered as state would answer.
 */
export interface StateIndex {
  snapshots: SnapshotRef[];
  built: PhysicalTableRecord[];
  intervals: [string, Interval[]][];
  autoRestatements: [string, number][];
  environments: EnvironmentRecord[];
}

/** Write side of state. Every method is one atomic write. */
export interface StateStore extends StateReader {
  /** Creates or upgrades the state schema; safe to call on every start. */
  migrate(): Promise<void>;
  /** Records that `name` uses this state (once; the first registered owns it). */
  registerProject(name: string, at: number): Promise<void>;
  insertSnapshots(snapshots: readonly Snapshot[]): Promise<void>;
  recordBuilt(table: PhysicalTableRecord): Promise<void>;
  /**
   * Records several built tables at once (those recorded already are kept as they are).
   * Several statements: wrap in the engine's transaction with the builds it records.
   */
  recordBuiltTables(tables: readonly PhysicalTableRecord[]): Promise<void>;
  /**
   * Records computed intervals of a version, merged with the adjacent ones it has. Several
   * statements: wrap in the engine's transaction to make it atomic with the batch it records.
   * `fresh`: the version's table was just built whole: these intervals replace all recorded.
   */
  addIntervals(name: string, version: string, intervals: readonly Interval[], options?: { fresh?: boolean }): Promise<void>;
  /**
   * `addIntervals(..., { fresh: true })` for several versions at once, in two statements
   * per chunk: each version's tables were just built whole. Wrap in the engine's transaction.
   */
  addFreshIntervals(entries: readonly { name: string; version: string; intervals: readonly Interval[] }[]): Promise<void>;
  /** Forgets intervals of a version (restatement), splitting the rows they cut. Several statements. */
  removeIntervals(name: string, version: string, intervals: readonly Interval[]): Promise<void>;
  /** Records when each version is next auto-restated (replacing what was recorded). */
  setAutoRestatements(entries: readonly { name: string; version: string; nextMs: number }[]): Promise<void>;
  /** Forgets every interval of these versions (their tables were dropped), and when they were next to be auto-restated. */
  deleteIntervals(versions: readonly { name: string; version: string }[]): Promise<void>;
  /**
   * Sets an environment, but only if its current plan id is `expectedPlanId` (null: it
   * must not exist): a plan computed against an older state never overwrites a newer one.
   */
  setEnvironment(env: EnvironmentRecord, expectedPlanId: string | null): Promise<void>;
  recordPlan(plan: PlanRecord): Promise<void>;
  /** Records an approval; a second approval of the same plan by the same person replaces the first. */
  recordApproval(approval: ApprovalRecord): Promise<void>;
  /** Records what a plan file was approved on (once per file: a second approval of it keeps the first summary). */
  recordApprovalEvidence(evidence: ApprovalEvidence, at: number): Promise<void>;
  /** Deletes an environment's row if its plan id is still `expectedPlanId`; false when it moved. */
  deleteEnvironment(name: string, expectedPlanId: string): Promise<boolean>;
  /** Deletes the rows of physical tables that have been dropped. */
  deleteBuiltTables(tables: readonly { name: string; version: string }[]): Promise<void>;
  deleteSnapshots(ids: readonly string[]): Promise<void>;
}

export const builtKey = (name: string, version: string) => `${name}@${version}`;

/** An expired environment is gone for planning; its row stays until the janitor removes it. */
/** Prod never counts as expired, even if a row says so: nothing may clean it away. */
export const isExpired = (env: EnvironmentRecord, now: number) => env.name !== 'prod' && env.expiresAt !== null && env.expiresAt <= now;
