import { quoteIdent, quoteLiteral, quoteTable, type TableName } from '../util/identifiers.js';

/** How an SCD Type 2 model tells that a row changed. */
export type Scd2Change =
  /** `SCD_TYPE_2_BY_TIME`: a newer `updatedAt` is a new version, valid from that time. */
  | { by: 'time'; updatedAt: string; updatedAtAsValidFrom: boolean }
  /** `SCD_TYPE_2_BY_COLUMN`: any difference in `check` columns is a new version, valid from the run's time (or `updatedAt`'s). */
  | { by: 'column'; check: readonly string[]; executionTimeAsValidFrom: boolean; updatedAt?: string };

export interface Scd2Merge {
  table: TableName;
  /** The model's query, rendered: the source's rows as they are now. */
  query: string;
  /** The table's columns other than the two validity columns, in table order. */
  columns: readonly string[];
  keys: readonly string[];
  validFrom: string;
  validTo: string;
  /** SQL type of the validity columns (validated). */
  timeType: string;
  execution: Date;
  invalidateHardDeletes: boolean;
  change: Scd2Change;
}

/** Prefixes of work columns in the statement; user columns are plain identifiers, so these cannot clash after quoting. */
const OLD = 'planner_old__';
const EXISTS = 'planner_exists__';

/**
 * The rows that replace the table's current rows (those whose `validTo` is NULL) after
 * one run, as one SELECT: unchanged rows as they were, changed rows closed and their new
 * version opened, new keys opened, and (with `invalidateHardDeletes`) keys gone from the
 * source closed. Closed history is never touched. The semantics follow SQLMesh's SCD
 * Type 2 (including a new key's valid-from of 1970-01-01 by default, and a key deleted
 * then re-inserted being valid again from when it was closed or updated, the later).
 */
export function scdType2CurrentRows(m: Scd2Merge): string {
  const q = quoteIdent;
  const vf = q(m.validFrom);
  const vt = q(m.validTo);
  const time = (text: string) => `CAST(${quoteLiteral(/^date\b/i.test(m.timeType) ? text.slice(0, 10) : text)} AS ${m.timeType})`;
  const exec = time(m.execution.toISOString().slice(0, 19).replace('T', ' '));
  const epoch = time('1970-01-01 00:00:00');
  const upd = m.change.updatedAt;
  const keyMatch = (a: string, b: string) => m.keys.map((k) => `${a}.${q(k)} = ${b}.${q(k)}`).join(' AND ');
  // The source: one row per key (the latest update when by time), the update time in the validity type.
  const sourceCols = m.columns.map((c) => (c === upd ? `CAST(${q(c)} AS ${m.timeType}) AS ${q(c)}` : q(c)));
  const order = [...m.keys.map(q), ...(m.change.by === 'time' ? [`${q(m.change.updatedAt)} DESC`] : [])].join(', ');
  const all = [...m.columns, m.validFrom, m.validTo];
  const joinedCols = [`s.${EXISTS}`, ...all.map((c) => `l.${q(c)} AS ${q(OLD + c)}`), ...m.columns.map((c) => `s.${q(c)}`)];
  const old = (c: string) => `j.${q(OLD + c)}`;
  const deleted = m.invalidateHardDeletes ? `j.${EXISTS} IS NULL` : null;

  let changed: string;
  let validFromExpr: string;
  let validToExpr: string;
  let newValidFrom: string;
  if (m.change.by === 'time') {
    const u = q(m.change.updatedAt);
    changed = `j.${u} > ${old(m.change.updatedAt)}`;
    const start = m.change.updatedAtAsValidFrom ? `j.${u}` : epoch;
    validToExpr = `CASE WHEN ${changed} THEN j.${u}${deleted ? ` WHEN ${deleted} THEN ${exec}` : ''} ELSE ${old(m.validTo)} END`;
    validFromExpr = `CASE WHEN ${old(m.validFrom)} IS NULL AND d.${EXISTS} IS NOT NULL THEN CASE WHEN d.${vt} > j.${u} THEN d.${vt} ELSE j.${u} END WHEN ${old(m.validFrom)} IS NULL THEN ${start} ELSE ${old(m.validFrom)} END`;
    newValidFrom = `j.${u}`;
  } else {
    const when = m.change.updatedAt ? `CAST(j.${q(m.change.updatedAt)} AS ${m.timeType})` : exec;
    const keysPresent = m.keys.map((k) => `${old(k)} IS NOT NULL AND j.${q(k)} IS NOT NULL`).join(' AND ');
    const differs = m.change.check.map((c) => `j.${q(c)} IS DISTINCT FROM ${old(c)}`).join(' OR ');
    changed = `(${keysPresent}) AND (${differs})`;
    // A new key opens at the run's time, except on a version's first load, which opens at the epoch.
    const start = m.change.executionTimeAsValidFrom ? when : `CASE WHEN (SELECT count(*) FROM ${quoteTable(m.table)}) = 0 THEN ${epoch} ELSE ${when} END`;
    validToExpr = `CASE WHEN ${deleted ? `${deleted} OR ` : ''}(${changed}) THEN ${when} ELSE ${old(m.validTo)} END`;
    validFromExpr = `COALESCE(${old(m.validFrom)}, ${start})`;
    newValidFrom = when;
  }
  const keyCols = m.keys.map(q).join(', ');
  return `WITH planner_source AS (
  SELECT DISTINCT ON (${keyCols}) TRUE AS ${EXISTS}, ${sourceCols.join(', ')} FROM (${m.query}) AS planner_raw ORDER BY ${order}
), planner_latest AS (
  SELECT ${all.map(q).join(', ')} FROM ${quoteTable(m.table)} WHERE ${vt} IS NULL
), planner_closed AS (
  SELECT ${all.map(q).join(', ')} FROM ${quoteTable(m.table)} WHERE ${vt} IS NOT NULL
), planner_last_closed AS (
  SELECT TRUE AS ${EXISTS}, ${m.keys.map((k) => `c.${q(k)}`).join(', ')}, max(c.${vt}) AS ${vt}
  FROM planner_closed AS c WHERE NOT EXISTS (SELECT 1 FROM planner_latest AS l WHERE ${keyMatch('l', 'c')})
  GROUP BY ${m.keys.map((k) => `c.${q(k)}`).join(', ')}
), planner_joined AS (
  SELECT ${joinedCols.join(', ')} FROM planner_latest AS l FULL OUTER JOIN planner_source AS s ON ${keyMatch('l', 's')}
)
SELECT ${m.columns.map((c) => `COALESCE(${old(c)}, j.${q(c)}) AS ${q(c)}`).join(', ')}, ${validFromExpr} AS ${vf}, ${validToExpr} AS ${vt}
  FROM planner_joined AS j LEFT JOIN planner_last_closed AS d ON ${keyMatch('j', 'd')}
UNION ALL
SELECT ${m.columns.map((c) => `j.${q(c)}`).join(', ')}, ${newValidFrom} AS ${vf}, CAST(NULL AS ${m.timeType}) AS ${vt}
  FROM planner_joined AS j WHERE ${changed}`;
}

/** Deletes the table's current rows, to be replaced by `scdType2CurrentRows` (staged first). */
export function deleteCurrentRows(table: TableName, validTo: string): string {
  return `DELETE FROM ${quoteTable(table)} WHERE ${quoteIdent(validTo)} IS NULL`;
}
