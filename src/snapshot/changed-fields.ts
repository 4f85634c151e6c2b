import type { SnapshotModel } from './snapshot.js';

/** Settings compared to explain a change; positions and parse results follow from these. */
const FIELDS: (keyof SnapshotModel)[] = [
  'query', 'kind', 'dialect', 'cron', 'start', 'grain', 'owner', 'description', 'tags', 'columns', 'audits', 'forwardOnly', 'variables', 'seedHash', 'file', 'properties', 'statements',
];

/**
 * The settings of a model that differ between two definitions, by name: why a change is
 * what it is when the file reads the same (a default from the config moved, say).
 * @example changedFields(prod.model, local.model) // ['cron', 'start']
 */
export function changedFields(prev: SnapshotModel, next: SnapshotModel): string[] {
  return FIELDS.filter((f) => JSON.stringify(prev[f] ?? null) !== JSON.stringify(next[f] ?? null)).map((f) => (f === 'seedHash' ? 'seed data' : f));
}
