import type { AuditRef, ColumnDef, MacroCall, ModelKind, QueryShape, TableReference } from '../model/model.js';
import type { Dialect } from '../config/types.js';
import type { TableName } from '../util/identifiers.js';

/** What a plan decided about one model relative to the environment it was compared with. */
export type ChangeCategory = 'breaking' | 'non-breaking' | 'metadata' | 'forward-only';

export interface Fingerprint {
  /** Query AST, kind, data settings and the parents' data hashes. */
  data: string;
  /** Like `data` without the parents: changes only when this model's own definition changes. */
  ownData: string;
  /** Owner, description, cron, tags, grain, audits. */
  metadata: string;
}

/** The definition a snapshot keeps so any command can render and rebuild it without the files. */
export interface SnapshotModel {
  name: string;
  schema: string;
  table: string;
  file: string;
  kind: ModelKind;
  dialect: Dialect;
  cron: string;
  start?: string;
  grain: string[];
  owner?: string;
  description?: string;
  tags: string[];
  columns?: ColumnDef[];
  audits: AuditRef[];
  forwardOnly: boolean;
  query: string;
  /** The file as written, for diffs between environments. */
  source: string;
  references: TableReference[];
  macros: MacroCall[];
  shape: QueryShape | null;
  variables: Record<string, unknown>;
  /** SEED only: the CSV path relative to the project, resolved from the model's folder. */
  seedPath?: string;
  seedHash?: string;
  /** Tables the query reads that are not models (they enter the fingerprint). */
  externals?: string[];
}

/**
 * A model at one fingerprint, as stored in state. Two environments with the same model
 * definition share a snapshot, and so a physical table.
 */
export interface Snapshot {
  /** `<name>#<short hash of the fingerprint>`: equal fingerprints give equal ids. */
  id: string;
  name: string;
  fingerprint: Fingerprint;
  /** Names the physical table; shared with earlier snapshots when the data did not change. */
  version: string;
  physical: TableName;
  /** Parent model name -> the exact parent snapshot id this snapshot was planned against. */
  parents: Record<string, string>;
  model: SnapshotModel;
  /** How this snapshot was categorized when first planned, if it replaced another. */
  category?: ChangeCategory;
  createdAt: number;
}
