import type { QueryShape } from '../model/model.js';
import type { ChangeCategory, Fingerprint } from './snapshot.js';

/**
 * How a model's own change affects its data, judged from the old and new definitions
 * alone (no database): only added projections, to a query that neither deduplicates nor
 * gains an aggregate, is non-breaking; any other change to the query or its data
 * settings is breaking; equal data hashes mean metadata only.
 */
export function categorizeDirectChange(
  old: { fingerprint: Fingerprint; shape: QueryShape | null; kindJson: string },
  next: { fingerprint: Fingerprint; shape: QueryShape | null; kindJson: string },
): ChangeCategory {
  if (old.fingerprint.ownData === next.fingerprint.ownData) return 'metadata';
  if (old.kindJson !== next.kindJson) return 'breaking';
  return onlyAddedProjections(old.shape, next.shape) ? 'non-breaking' : 'breaking';
}

function onlyAddedProjections(old: QueryShape | null, next: QueryShape | null): boolean {
  if (!old || !next || !old.bodyHash || old.bodyHash !== next.bodyHash) return false;
  if (next.distinct) return false;
  if (next.projections.length <= old.projections.length) return false;
  // Old projections must appear, in order, among the new ones.
  let j = 0;
  const added: QueryShape['projections'] = [];
  for (const p of next.projections) {
    if (j < old.projections.length && old.projections[j].hash === p.hash) j++;
    else added.push(p);
  }
  if (j !== old.projections.length) return false;
  // A set-returning function multiplies rows; an aggregate added to a query that did not
  // aggregate collapses them.
  if (added.some((p) => p.expands)) return false;
  return old.grouped || !added.some((p) => p.aggregate);
}
