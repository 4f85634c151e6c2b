import type { Project } from '../model/load-project.js';
import { fingerprintModel, snapshotId } from './fingerprint.js';
import type { Fingerprint } from './snapshot.js';

/** Fingerprints every model of a project in DAG order, so each sees its parents' data hashes. */
export function fingerprintProject(project: Project): Map<string, { fingerprint: Fingerprint; id: string }> {
  const out = new Map<string, { fingerprint: Fingerprint; id: string }>();
  for (const name of project.order) {
    const fingerprint = fingerprintModel(project.models.get(name)!, (p) => out.get(p)!.fingerprint.data);
    out.set(name, { fingerprint, id: snapshotId(name, fingerprint) });
  }
  return out;
}
