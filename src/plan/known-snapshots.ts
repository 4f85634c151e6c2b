import type { Project } from '../model/load-project.js';
import { snapshotOfHead } from '../snapshot/make-snapshot.js';
import type { Fingerprint, Snapshot } from '../snapshot/snapshot.js';
import type { SnapshotHead, StateReader } from '../state/state-store.js';

/**
 * The stored snapshots a plan compares the project with, from their `heads` (ids,
 * versions, tables: no model definitions), reading no more definitions than it needs:
 * - a snapshot that is exactly a local model's (the same id, so the same fingerprints) is
 *   made whole with the local model: an unchanged model costs no stored definition;
 * - a model kept at its stored definition (`--select-model`) is the snapshot loaded for it;
 * - any other snapshot of a project model (what a changed model replaces, a preview, a
 *   masked build) is loaded whole, all in one batch: categorizing reads its definition;
 * - snapshots of models the project no longer has are compared by head only.
 */
export async function knownSnapshots(
  state: StateReader,
  heads: ReadonlyMap<string, SnapshotHead>,
  project: Project,
  fingerprints: ReadonlyMap<string, { fingerprint: Fingerprint; id: string }>,
  kept: ReadonlyMap<string, Snapshot>,
): Promise<Map<string, Snapshot>> {
  const known = new Map<string, Snapshot>();
  const load: string[] = [];
  for (const head of heads.values()) {
    const model = project.models.get(head.name);
    if (!model) continue;
    const stored = kept.size ? kept.get(head.name) : undefined;
    const local = fingerprints.get(head.name);
    if (stored) {
      if (stored.id === head.id) known.set(head.id, stored);
      else load.push(head.id);
    } else if (local?.id === head.id) known.set(head.id, snapshotOfHead(head, model, local));
    else load.push(head.id);
  }
  if (load.length) for (const [id, s] of await state.getSnapshots(load)) known.set(id, s);
  return known;
}
