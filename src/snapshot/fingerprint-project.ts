import type { Project } from '../model/load-project.js';
import { fingerprintModel, modelSnapshotId } from './fingerprint.js';
import type { Fingerprint, Snapshot } from './snapshot.js';

/**
 * Fingerprints every model of a project in DAG order, so each sees its parents' data hashes.
 * `kept`: models whose definition comes from a stored snapshot (`plan --select-model`); while
 * their parents are the very snapshots they were planned against, they keep that snapshot's
 * fingerprint as stored (so nothing that changed in how fingerprints are computed since can
 * make an untouched model look edited).
 */
export function fingerprintProject(project: Project, kept: ReadonlyMap<string, Snapshot> = new Map()): Map<string, { fingerprint: Fingerprint; id: string }> {
  const out = new Map<string, { fingerprint: Fingerprint; id: string }>();
  for (const name of project.order) {
    const stored = kept.get(name);
    if (stored && Object.entries(stored.parents).every(([p, id]) => out.get(p)?.id === id)) {
      out.set(name, { fingerprint: stored.fingerprint, id: stored.id });
      continue;
    }
    const model = project.models.get(name)!;
    const fingerprint = fingerprintModel(model, (p) => out.get(p)!.fingerprint.data);
    out.set(name, { fingerprint, id: modelSnapshotId(model, fingerprint) });
  }
  // A fresh load's models, as the load made them: the project cache keeps them with these.
  if (!kept.size) project.fingerprinted?.(out);
  return out;
}
