import type { Dialect } from '../config/types.js';
import type { Model, ModelProperties } from './model.js';
import { tableLayout } from './table-layout.js';

/**
 * Properties planner accepts with SQLMesh's meaning (they enter the fingerprint) but does
 * not apply to tables on DuckDB or PostgreSQL, by header name. `partitioned_by` and
 * `physical_properties` are applied on PostgreSQL (model/table-layout.ts). `storage_format`
 * and `table_format` name file formats in SQLMesh (parquet, iceberg, delta), which are not
 * PostgreSQL table access methods, so neither engine applies them.
 */
const NOT_APPLIED: [keyof ModelProperties, string][] = [
  ['clusteredBy', 'clustered_by'],
  ['virtualProperties', 'virtual_properties'],
  ['sessionProperties', 'session_properties'],
  ['storageFormat', 'storage_format'],
  ['tableFormat', 'table_format'],
  ['columnDescriptions', 'column_descriptions'],
  ['allowPartials', 'allow_partials'],
  ['optimizeQuery', 'optimize_query'],
];

/**
 * One line per model that sets properties planner applies to its table on this engine
 * (`applied`), or sets properties it does not apply here (`notApplied`), so none is
 * silently ignored: `planner info` prints them.
 * @example propertyNotes(models, 'duckdb').notApplied // ['analytics.orders: partitioned_by, physical_properties (DuckDB has no ...)']
 */
export function propertyNotes(models: Iterable<Model>, dialect: Dialect): { applied: string[]; notApplied: string[] } {
  const applied: string[] = [];
  const notApplied: string[] = [];
  for (const m of models) {
    const layout = tableLayout(m, dialect);
    const set = NOT_APPLIED.filter(([key]) => m.properties?.[key] !== undefined).map(([, name]) => name);
    const notHere = [...layout.ignored, ...(set.length ? [set.join(', ')] : [])];
    if (layout.applied.length) applied.push(`${m.name}: ${layout.applied.join('; ')}`);
    if (notHere.length) notApplied.push(`${m.name}: ${notHere.join('; ')}`);
  }
  return { applied: applied.sort(), notApplied: notApplied.sort() };
}
