import type { Row } from '../engine/engine-adapter.js';
import type { TableName } from '../util/identifiers.js';

/** Defaults of the row diff options, shared by the library and the CLI. */
export const DEFAULT_DECIMALS = 3;
export const DEFAULT_SAMPLE_LIMIT = 20;

/** One side of a diff: a label for people (the environment) and the table or view read for it. */
export interface DiffSide {
  label: string;
  table: TableName;
  /** What is read instead of the table, as one SELECT over it (a sanitized environment's masks applied to it). */
  query?: string;
  /** Where the read columns' types are found when `query` changes them (the environment's masking view). */
  typesFrom?: TableName;
}

/** How two tables are compared. `on` is required here; the model layer fills it from the grain. */
export interface TableDiffOptions {
  /** Key columns the rows are joined on. */
  on: string[];
  /** A SQL boolean expression applied to both sides (validated as one expression). */
  where?: string;
  /** Columns left out of the row comparison. */
  skipColumns?: string[];
  /** Ignore skipped names that neither side has, instead of refusing them as a typo (for diffs across many models). */
  ignoreUnknownSkipColumns?: boolean;
  /** Floating and decimal values are compared after rounding to this many decimals. */
  decimals?: number;
  /** Sample rows fetched per category when `samples` is set. */
  limit?: number;
  samples?: boolean;
  /** Compute the row diff even when keys repeat or are NULL (each pair of rows sharing a key counts as one match). */
  allowDuplicateKeys?: boolean;
}

/** A column as the engine's catalog reports it. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** The schema difference of A compared with B: `added` columns are in A only, `removed` in B only. */
export interface SchemaDiff {
  added: ColumnInfo[];
  removed: ColumnInfo[];
  typeChanged: { name: string; a: string; b: string }[];
  /** Non-key columns present on both sides whose values are compared. */
  compared: string[];
  /** Columns left out by `skipColumns`. */
  skipped: string[];
}

/** Row and key counts of one side, after `where`. */
export interface KeyStats {
  rows: number;
  /** Rows with a NULL in any key column: they cannot be matched and are left out of the row diff. */
  nullKeyRows: number;
  /** Key values that occur on more than one row, and how many rows carry them. */
  duplicateKeys: number;
  duplicateRows: number;
}

/** How often one column agrees on matched rows. */
export interface ColumnMatch {
  name: string;
  equal: number;
  different: number;
  /** equal / matched, or null when nothing matched. */
  rate: number | null;
  /** Compared after rounding to `decimals` (floating or decimal types). */
  rounded: boolean;
}

/** The row comparison: every count comes from one FULL OUTER JOIN inside the engine. */
export interface RowDiff {
  onlyInA: number;
  onlyInB: number;
  /** Rows (pairs of rows, with duplicate keys allowed) whose key is on both sides. */
  matched: number;
  identical: number;
  different: number;
  columns: ColumnMatch[];
}

/** A matched row whose compared columns differ: its key, both sides' values, and which columns differ. */
export interface DifferentRow {
  key: Row;
  a: Row;
  b: Row;
  differing: string[];
}

export interface DiffSamples {
  onlyInA: Row[];
  onlyInB: Row[];
  different: DifferentRow[];
}

/** Everything `table-diff` learned about two tables. */
export interface TableDiffResult {
  a: DiffSide & { rows: number };
  b: DiffSide & { rows: number };
  on: string[];
  decimals: number;
  where: string | null;
  schema: SchemaDiff;
  keys: { a: KeyStats; b: KeyStats };
  /** Null when the diff refused to compare rows (see `refused`). */
  rows: RowDiff | null;
  /** Why rows were not compared: duplicate or NULL keys without `allowDuplicateKeys`. */
  refused: string | null;
  /** Null unless samples were asked for. */
  samples: DiffSamples | null;
}
