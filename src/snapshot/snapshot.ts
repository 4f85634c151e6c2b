import type { MaskRule } from '../config/types.js';
import type { Model } from '../model/model.js';
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

/**
 * The definition a snapshot keeps so any command can render and rebuild it without the
 * files: the model's own fields (its `source`, the file as written, serves diffs between
 * environments), with a SEED's path resolved from the model's folder.
 */
export type SnapshotModel = Pick<
  Model,
  | 'name' | 'schema' | 'table' | 'file' | 'kind' | 'dialect' | 'cron' | 'start' | 'grain' | 'owner' | 'description'
  | 'tags' | 'columns' | 'audits' | 'forwardOnly' | 'query' | 'source' | 'references' | 'macros' | 'shape'
  | 'variables' | 'seedHash' | 'properties' | 'statements' | 'sample' | 'inlineAudits'
> & {
  /** SEED only: the CSV path relative to the project. */
  seedPath?: string;
  /** Tables the query reads that are not models (they enter the fingerprint); absent in snapshots stored before it was kept. */
  externals?: string[];
};

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
  /**
   * The canonical-form version its fingerprint was computed with (FINGERPRINT_FORMAT in
   * model/canonical-query.ts); absent in snapshots stored before it was kept (format 0).
   */
  fingerprintFormat?: number;
  /** How this snapshot was categorized when first planned, if it replaced another. */
  category?: ChangeCategory;
  /**
   * Built for a sanitized environment (plan/masked-build.ts): parent name -> the masks its
   * query reads that parent through. Such a table is never another environment's.
   */
  readMasks?: Record<string, Record<string, MaskRule>>;
  /**
   * Of a masked build: the masks of its own configured columns (those no parent passes on
   * masked), applied to its output before it reaches the table, so the table holds no real
   * value of them even when they are computed from unmasked sources.
   */
  writeMasks?: Record<string, MaskRule>;
  /**
   * Of a masked build: its columns that hold masked values already (a parent's as it is, or
   * its own `writeMasks`), so its views do not mask them again.
   */
  premasked?: string[];
  createdAt: number;
}
