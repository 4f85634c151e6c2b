import { PROD } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord, SnapshotHead, StateReader } from '../state/state-store.js';

/** How an environment's views split between tables it shares with the environment it came from and tables of its own. */
export interface ViewSharing {
  /** The environment whose tables the shared views read (prod, or what it was created from); null for prod. */
  with: string | null;
  /** Views reading the very physical table that environment's view reads. */
  shared: number;
  /** Views reading a table built for this environment's own definitions. */
  own: number;
}

/**
 * Counts `views` (model names, with `target` model -> snapshot id) by whether each reads
 * the same physical table as `base`'s view of that model. `known` holds snapshots already
 * loaded; of the others, only their heads are read from state (a table is all it compares).
 */
export async function viewSharing(
  state: StateReader,
  environment: string,
  views: readonly string[],
  target: Record<string, string>,
  known: Map<string, SnapshotHead> | Record<string, SnapshotHead>,
  base: EnvironmentRecord | undefined,
): Promise<ViewSharing> {
  if (environment === PROD || !base) return { with: null, shared: 0, own: views.length };
  const get = known instanceof Map ? (id: string) => known.get(id) : (id: string) => known[id];
  // One pass per view, no intermediate lists: this runs on every plan of an environment.
  const missing = new Set<string>();
  for (const model of views) {
    const mine = target[model];
    const theirs = base.snapshots[model];
    if (mine && !get(mine)) missing.add(mine);
    if (theirs && !get(theirs)) missing.add(theirs);
  }
  const loaded = missing.size ? await state.getSnapshotHeads([...missing]) : new Map<string, SnapshotHead>();
  const snapshot = (id: string | undefined) => (id ? get(id) ?? loaded.get(id) : undefined);
  let shared = 0;
  for (const model of views) {
    const mine = snapshot(target[model]);
    const theirs = snapshot(base.snapshots[model]);
    if (mine && theirs && mine.physical.schema === theirs.physical.schema && mine.physical.table === theirs.physical.table) shared++;
  }
  return { with: base.name, shared, own: views.length - shared };
}
