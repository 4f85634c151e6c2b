import type { Model, ModelProperties } from './model.js';

/**
 * Properties planner accepts with SQLMesh's meaning (they enter the fingerprint) but does
 * not apply to tables on DuckDB or PostgreSQL, by header name.
 */
const NOT_APPLIED: [keyof ModelProperties, string][] = [
  ['partitionedBy', 'partitioned_by'],
  ['clusteredBy', 'clustered_by'],
  ['physicalProperties', 'physical_properties'],
  ['virtualProperties', 'virtual_properties'],
  ['sessionProperties', 'session_properties'],
  ['storageFormat', 'storage_format'],
  ['tableFormat', 'table_format'],
  ['columnDescriptions', 'column_descriptions'],
  ['allowPartials', 'allow_partials'],
  ['optimizeQuery', 'optimize_query'],
];

/**
 * One line per model that sets properties planner does not apply, so none is silently
 * ignored: `planner info` prints them.
 * @example unappliedProperties(models) // ['analytics.orders: partitioned_by, physical_properties']
 */
export function unappliedProperties(models: Iterable<Model>): string[] {
  const out: string[] = [];
  for (const m of models) {
    const set = NOT_APPLIED.filter(([key]) => m.properties?.[key] !== undefined).map(([, name]) => name);
    if (set.length) out.push(`${m.name}: ${set.join(', ')}`);
  }
  return out.sort();
}
