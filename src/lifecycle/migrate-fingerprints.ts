import { FINGERPRINT_FORMAT } from '../model/canonical-query.js';
import { parseByDialect } from '../model/load-project.js';
import { placeholderQuery } from '../model/macros.js';
import { analyzeQuery } from '../model/query-analysis.js';
import { formatOf, refingerprint, type QueryAnalysis } from '../snapshot/refingerprint.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { StateStore } from '../state/state-store.js';

/** What `planner migrate` did to fingerprints. */
export interface FingerprintMigration {
  format: number;
  /** Snapshots whose fingerprint (and so id) was recomputed in this format. */
  recomputed: number;
  /** Environments whose snapshot ids were rewritten to the recomputed ones. */
  environments: number;
  /** Snapshots left as stored, and why. */
  skipped: { id: string; reason: string }[];
}

/**
 * Brings every stored snapshot's fingerprint to this planner's format: parses each
 * outdated snapshot's stored query again, recomputes its fingerprint and id (parents
 * first), and rewrites the snapshot rows, the parents they point at and every
 * environment's ids. Versions, physical tables and intervals are untouched, so the next
 * plan of an unchanged project says "No changes" and builds nothing. Call it inside one
 * transaction of the state's engine, so a failure leaves state as it was.
 */
export async function migrateFingerprints(state: StateStore): Promise<FingerprintMigration> {
  const refs = await state.listSnapshotRefs();
  const all = await state.getSnapshots(refs.map((r) => r.id));
  const outdated = [...all.values()].filter((s) => formatOf(s) < FINGERPRINT_FORMAT && s.model.query);
  const analyses = await analyzeStored(outdated);
  const { replaced, skipped } = refingerprint(all, analyses);
  if (!replaced.size) return { format: FINGERPRINT_FORMAT, recomputed: 0, environments: 0, skipped };

  const newIds = new Map([...replaced].map(([old, s]) => [old, s.id]));
  // A snapshot whose id stays (a SEED: no query, so no hash of one) is rewritten in place.
  const inPlace = [...replaced].filter(([old, s]) => old === s.id).map(([old]) => old);
  await state.deleteSnapshots(inPlace);
  await state.insertSnapshots([...replaced.values()].filter((s) => !all.has(s.id) || inPlace.includes(s.id)));
  let environments = 0;
  for (const env of await state.listEnvironments()) {
    if (!Object.values(env.snapshots).some((id) => newIds.has(id))) continue;
    const snapshots = Object.fromEntries(Object.entries(env.snapshots).map(([name, id]) => [name, newIds.get(id) ?? id]));
    // Same plan id: the environment is what it was, only its ids are spelled in the new format.
    await state.setEnvironment({ ...env, snapshots }, env.planId);
    environments++;
  }
  await state.deleteSnapshots([...newIds].filter(([old, id]) => old !== id).map(([old]) => old));
  return { format: FINGERPRINT_FORMAT, recomputed: replaced.size, environments, skipped };
}

/** Each outdated snapshot's stored query, parsed by this planner's parser for its dialect. */
async function analyzeStored(snapshots: readonly Snapshot[]): Promise<Map<string, QueryAnalysis>> {
  const templates = snapshots.map((s) => placeholderQuery(s.model.query, s.model.macros));
  const outcomes = await parseByDialect(snapshots.map((s) => s.model.dialect), templates);
  return new Map(
    snapshots.map((s, i) => {
      const o = outcomes[i];
      return [s.id, o.ok ? analyzeQuery(o.tree, templates[i]) : { error: o.message }];
    }),
  );
}
