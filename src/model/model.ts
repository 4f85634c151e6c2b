import type { Dialect } from '../config/types.js';
import type { CsvSettings } from '../util/csv.js';
import type { AuditDefinition } from './audit-file.js';

/** How a model is materialized. A tagged union: switch on `name`. */
export type ModelKind =
  | { name: 'FULL' }
  | { name: 'VIEW' }
  | { name: 'EMBEDDED' }
  | { name: 'EXTERNAL' }
  /** `csv`: SQLMesh's csv_settings, when given. */
  | { name: 'SEED'; path: string; csv?: CsvSettings }
  | {
      name: 'INCREMENTAL_BY_TIME_RANGE';
      timeColumn: string;
      /** strftime-style format of a time column stored as text or a number (`'%Y%m%d'`). */
      timeFormat?: string;
      batchSize?: number;
      lookback?: number;
      /** Metadata only: batches here run one at a time, which every limit admits. */
      batchConcurrency?: number;
      /** `planner run` in prod restates the last `autoRestatementIntervals` intervals (all without it) when this cron is due; metadata. */
      autoRestatementCron?: string;
      autoRestatementIntervals?: number;
      /** Where MODEL partitioned_by is written, whether the time column leads the partition key (default true, as in SQLMesh); metadata otherwise. */
      partitionByTimeColumn?: boolean;
    }
  | { name: 'INCREMENTAL_BY_UNIQUE_KEY'; uniqueKey: string[]; batchSize?: number; autoRestatementCron?: string }
  /** `partitionedBy`: the MODEL's partitioned_by columns. */
  | { name: 'INCREMENTAL_BY_PARTITION'; partitionedBy: string[]; autoRestatementCron?: string }
  | (ScdType2Settings & { name: 'SCD_TYPE_2_BY_TIME'; updatedAtName: string; updatedAtAsValidFrom: boolean })
  | (ScdType2Settings & { name: 'SCD_TYPE_2_BY_COLUMN'; columns: string[] | '*'; executionTimeAsValidFrom: boolean; updatedAtName?: string })
  | { name: 'INCREMENTAL_UNMANAGED'; insertOverwrite: boolean };

/** What both SCD Type 2 kinds share: the key, the validity columns and their type. */
export interface ScdType2Settings {
  uniqueKey: string[];
  validFromName: string;
  validToName: string;
  invalidateHardDeletes: boolean;
  /** SQL type of valid_from / valid_to (TIMESTAMP unless given). */
  timeDataType: string;
}

export type KindName = ModelKind['name'];

/** An audit attached in a header: `not_null(columns := [id])`. Argument values are kept as source text. */
export interface AuditRef {
  name: string;
  args: Record<string, string>;
}

export interface ColumnDef {
  name: string;
  type: string;
}

/**
 * SQLMesh's further model properties, each kept only when written. `DATA_PROPERTIES`
 * enter the data hash (they change the table), the others the metadata hash, except
 * `formatting` and `ignored_rules`, which concern tools and no table.
 */
export interface ModelProperties {
  /** Models this one depends on besides those its query reads. */
  dependsOn?: string[];
  /** Names of other models this one joins to (documentation and lineage). */
  references?: string[];
  /** Any text: changing it makes a new version of the model. */
  stamp?: string;
  intervalUnit?: string;
  allowPartials?: boolean;
  /** Property name -> its value as written (SQL text). */
  physicalProperties?: Record<string, string>;
  virtualProperties?: Record<string, string>;
  sessionProperties?: Record<string, string>;
  /** Partition expressions as written (column names, usually). */
  partitionedBy?: string[];
  clusteredBy?: string[];
  storageFormat?: string;
  tableFormat?: string;
  columnDescriptions?: Record<string, string>;
  formatting?: boolean;
  optimizeQuery?: boolean;
  ignoredRules?: string[];
  gateway?: string;
}

/** The properties that change what the table holds or how it is laid out. */
export const DATA_PROPERTIES = [
  'stamp', 'intervalUnit', 'physicalProperties', 'partitionedBy', 'clusteredBy', 'storageFormat', 'tableFormat', 'optimizeQuery', 'gateway',
] as const satisfies readonly (keyof ModelProperties)[];

/** Properties that concern tools (formatter, linter), in neither hash. */
export const UNHASHED_PROPERTIES = ['formatting', 'ignoredRules', 'dependsOn'] as const satisfies readonly (keyof ModelProperties)[];

/** Kind settings that only schedule work, so they enter the metadata hash, not the data hash. */
export const KIND_METADATA_FIELDS = ['batchConcurrency', 'partitionByTimeColumn', 'autoRestatementCron', 'autoRestatementIntervals'] as const;

/** One model as written in its file, after defaults are applied; no SQL parsing yet. */
export interface ModelDefinition {
  name: string;
  schema: string;
  table: string;
  /** Path of the model file relative to the project. */
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
  /** `enabled false`: the model is not loaded; a model reading it is bad input. */
  enabled: boolean;
  /** SQLMesh's further properties that were written; absent when none were. */
  properties?: ModelProperties;
  /** Audits defined in the model file after its query (SQLMesh's inline audits); they win over audits/ of the same name. */
  inlineAudits?: AuditDefinition[];
  /** The query text as written (macros not yet rendered); empty for SEED and EXTERNAL. */
  query: string;
  /** Character offset of the query in the file, to turn query positions into file positions. */
  queryOffset: number;
  /** The whole file text, kept for error locations and diffs. */
  source: string;
}

/** A reference from one model's query to a table: a model, or an external source. */
export interface TableReference {
  schema: string;
  table: string;
  /** Alias given in the query (`FROM raw.orders AS o`), if any. */
  alias: string;
  /** Character span of the reference in the query text, to rewrite it to a physical name. */
  start: number;
  end: number;
}

/** A macro call in the query text: `@start_ds`, `@this_model`, `@VAR('name', default)`. */
export interface MacroCall {
  name: string;
  /** For @VAR: the variable name and the source text of its default, if given. */
  variable?: string;
  defaultText?: string;
  start: number;
  end: number;
}

/** What categorization needs of a query, without keeping its AST. */
export interface QueryShape {
  /** Hash of planner's canonical form of the parse tree (canonical-query.ts): formatting and comments do not change it. */
  astHash: string;
  /** Hash of everything but the top-level projections; null when that is not a plain SELECT. */
  bodyHash: string | null;
  /** Hash of each top-level projection, in order; whether it aggregates, or returns several rows per row. */
  projections: { hash: string; aggregate: boolean; expands?: boolean }[];
  /** SELECT DISTINCT, or GROUP BY / aggregates at the top level: adding a column may change rows. */
  distinct: boolean;
  grouped: boolean;
  /** The output column names, lowercased; null when they cannot be known without a database (`*`, unnamed expressions). */
  columns?: string[] | null;
  /**
   * Each output column's type, present only when every top-level projection is an explicit
   * CAST to a type the query alone names (SQLMesh infers a model's columns from such casts).
   */
  castTypes?: string[];
}

/** How a sampled environment reads its sources (`environments.<name>.policies.sampling`). */
export interface SampleSpec {
  /** The share of each source's rows read, above 0 and below 1. */
  fraction: number;
}

/** A model after its query is parsed: dependencies known, AST hashed. */
export interface Model extends ModelDefinition {
  /** Names of the models this one reads from. */
  parents: string[];
  /** Tables the query reads that are not models. */
  externals: string[];
  references: TableReference[];
  macros: MacroCall[];
  /** Null for models without a query (SEED, EXTERNAL). */
  shape: QueryShape | null;
  /** Variables the query reads through @VAR that are set in the config, with their values (unset ones use the default written in the query). */
  variables: Record<string, unknown>;
  /** Content hash of a SEED's file. */
  seedHash?: string;
  /**
   * Set in a sampled environment for models that read a SEED or EXTERNAL model: they read
   * this fraction of each (the rows chosen by the hash of its grain). In the data hash, so
   * a table built from samples is a version of its own, never one an unsampled environment reads.
   */
  sample?: SampleSpec;
  /** Statements around the query (macros expanded; runtime variables filled in when they run). */
  statements?: ModelStatements;
}

/**
 * SQL a model file holds besides its query: `pre` runs before each build in the same
 * session, `post` after it; `onVirtualUpdate` (ON_VIRTUAL_UPDATE_BEGIN ... END) once the
 * environment's views are swapped, with names resolved to the environment's views.
 */
export interface ModelStatements {
  pre: string[];
  post: string[];
  /** Absent when the file has no such block (snapshots stored before it existed have none). */
  onVirtualUpdate?: string[];
}
