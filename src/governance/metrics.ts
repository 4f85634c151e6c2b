import type { EngineAdapter } from '../engine/engine-adapter.js';
import { isValidIdentifier, quoteIdent, quoteTable, type TableName } from '../util/identifiers.js';

/**
 * Validation metrics of one table, the evidence a promotion is judged on: how many rows,
 * whether the grain is still a key, how often each column is NULL, and a control total
 * ("hash total") per numeric column. All of them come from one scan.
 */
export interface TableMetrics {
  rows: number;
  /** Distinct values of the grain (NULL keys excluded); null when the model has no grain. */
  distinctKeys: number | null;
  /** Share of rows where the column is NULL, per column (0 for an empty table). */
  nullRates: Record<string, number>;
  /** Sum of each numeric column. */
  hashTotals: Record<string, number>;
}

/** Type names of numeric columns as DuckDB and PostgreSQL catalogs spell them. */
const NUMERIC = /^(tinyint|smallint|integer|int|int2|int4|int8|bigint|hugeint|ubigint|uinteger|usmallint|utinyint|decimal|numeric|real|float|float4|float8|double|double precision)\b/i;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type.trim());
}

/**
 * One query that measures `table`. Columns whose names fail the identifier allowlist are
 * left out (they could not be quoted safely), and so is a grain that names one.
 */
export function metricsQuery(table: TableName, columns: readonly { name: string; type: string }[], grain: readonly string[]): { sql: string; measured: { name: string; numeric: boolean }[]; keyed: boolean } {
  const measured = columns.filter((c) => isValidIdentifier(c.name)).map((c) => ({ name: c.name, numeric: isNumericType(c.type) }));
  const keyed = grain.length > 0 && grain.every((g) => measured.some((c) => c.name === g));
  const parts = ['count(*) AS planner_rows'];
  if (keyed) {
    const key = grain.map(quoteIdent);
    // A NULL key part makes the whole key NULL, as a unique key would treat it.
    const filter = key.map((k) => `${k} IS NOT NULL`).join(' AND ');
    parts.push(`count(DISTINCT ${key.length === 1 ? key[0] : `(${key.join(', ')})`}) FILTER (WHERE ${filter}) AS planner_keys`);
  }
  measured.forEach((c, i) => {
    parts.push(`count(*) - count(${quoteIdent(c.name)}) AS planner_n${i}`);
    if (c.numeric) parts.push(`CAST(sum(${quoteIdent(c.name)}) AS DOUBLE PRECISION) AS planner_s${i}`);
  });
  return { sql: `SELECT ${parts.join(', ')} FROM ${quoteTable(table)}`, measured, keyed };
}

/** Measures one table in one scan. */
export async function measureTable(engine: EngineAdapter, table: TableName, grain: readonly string[]): Promise<TableMetrics> {
  const columns = await engine.columns(table);
  const { sql, measured, keyed } = metricsQuery(table, columns, grain);
  const row = (await engine.query(sql)).rows[0] ?? {};
  const rows = Number(row.planner_rows ?? 0);
  const nullRates: Record<string, number> = {};
  const hashTotals: Record<string, number> = {};
  measured.forEach((c, i) => {
    nullRates[c.name] = rows ? Number(row[`planner_n${i}`] ?? 0) / rows : 0;
    if (c.numeric) hashTotals[c.name] = row[`planner_s${i}`] == null ? 0 : Number(row[`planner_s${i}`]);
  });
  return { rows, distinctKeys: keyed ? Number(row.planner_keys ?? 0) : null, nullRates, hashTotals };
}

/** How far a candidate's metrics may move from the baseline's before they are flagged. */
export interface ValidationThresholds {
  /** Row count change, in percent of the baseline's rows (default 10). */
  rowCountChangePct: number;
  /** Increase of a column's NULL rate, in percentage points (default 5). */
  nullRateIncreasePct: number;
  /** Change of a numeric column's total, in percent of the baseline's (default 10). */
  hashTotalChangePct: number;
  /** The grain must stay unique: distinct keys equal to rows (default true). */
  uniqueGrain: boolean;
}

export const DEFAULT_THRESHOLDS: ValidationThresholds = { rowCountChangePct: 10, nullRateIncreasePct: 5, hashTotalChangePct: 10, uniqueGrain: true };

/** One metric that moved past its threshold, or a broken key. */
export interface MetricFlag {
  metric: 'rows' | 'unique_grain' | 'null_rate' | 'hash_total' | 'column_added' | 'column_removed';
  column?: string;
  message: string;
}

function pctChange(before: number, after: number): number {
  if (before === after) return 0;
  if (before === 0) return Infinity;
  return (Math.abs(after - before) / Math.abs(before)) * 100;
}

const pct = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)}%` : 'from zero');

/**
 * The flags of a candidate against a baseline (null: no baseline, only the candidate's own
 * checks such as a unique grain apply).
 */
export function compareMetrics(candidate: TableMetrics, baseline: TableMetrics | null, t: ValidationThresholds = DEFAULT_THRESHOLDS): MetricFlag[] {
  const flags: MetricFlag[] = [];
  if (t.uniqueGrain && candidate.distinctKeys !== null && candidate.distinctKeys !== candidate.rows) {
    flags.push({ metric: 'unique_grain', message: `grain is not unique: ${candidate.rows} rows but ${candidate.distinctKeys} distinct non-NULL keys` });
  }
  if (!baseline) return flags;
  const rowChange = pctChange(baseline.rows, candidate.rows);
  if (rowChange > t.rowCountChangePct) {
    flags.push({ metric: 'rows', message: `row count ${baseline.rows} -> ${candidate.rows} (${pct(rowChange)}, threshold ${t.rowCountChangePct}%)` });
  }
  for (const [column, rate] of Object.entries(candidate.nullRates)) {
    const before = baseline.nullRates[column];
    if (before === undefined) {
      flags.push({ metric: 'column_added', column, message: `column ${column} is new` });
      continue;
    }
    const increase = (rate - before) * 100;
    if (increase > t.nullRateIncreasePct) {
      flags.push({ metric: 'null_rate', column, message: `${column} NULL rate ${(before * 100).toFixed(1)}% -> ${(rate * 100).toFixed(1)}% (threshold +${t.nullRateIncreasePct} points)` });
    }
  }
  for (const column of Object.keys(baseline.nullRates)) {
    if (!(column in candidate.nullRates)) flags.push({ metric: 'column_removed', column, message: `column ${column} is gone` });
  }
  for (const [column, total] of Object.entries(candidate.hashTotals)) {
    const before = baseline.hashTotals[column];
    if (before === undefined) continue;
    const change = pctChange(before, total);
    if (change > t.hashTotalChangePct) {
      flags.push({ metric: 'hash_total', column, message: `${column} total ${round(before)} -> ${round(total)} (${pct(change)}, threshold ${t.hashTotalChangePct}%)` });
    }
  }
  return flags;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
