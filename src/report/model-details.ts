import { DEFAULT_LAYOUT } from '../snapshot/virtual-names.js';
import { formatInterval } from '../intervals/interval.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { builtKey, type EnvironmentRecord, type StateReader } from '../state/state-store.js';
import { environmentSide } from '../lifecycle/environment-diff.js';
import { environmentViews } from './environment-views.js';

/** What the live UI shows of one model in one environment. */
export interface ModelDetails {
  environment: string;
  snapshot: Snapshot;
  /** The environment's view of it, if it has one. */
  view: string | null;
  table: string;
  parents: string[];
  children: string[];
  intervals: string[];
  /** When the physical table was last built (ms), or null if it was never built. */
  builtAt: number | null;
}

/**
 * One model of an environment from state: its snapshot, neighbours, computed intervals and
 * when its table was built. Reads only.
 */
export async function modelDetails(state: StateReader, env: EnvironmentRecord, model: string): Promise<ModelDetails | null> {
  const side = await environmentSide(state, env);
  const snapshot = side.snapshots.get(model);
  if (!snapshot) return null;
  const key = builtKey(snapshot.name, snapshot.version);
  const [intervals, built] = [await state.getIntervals([key]), await state.getBuiltTables([key])];
  const [view] = env.views.includes(model) ? environmentViews(env.name, env.layout ?? DEFAULT_LAYOUT, [model], side, null) : [];
  return {
    environment: env.name,
    snapshot,
    view: view?.view ?? null,
    table: `${snapshot.physical.schema}.${snapshot.physical.table}`,
    parents: Object.keys(snapshot.parents).sort(),
    children: [...side.snapshots.values()].filter((s) => model in s.parents).map((s) => s.name).sort(),
    intervals: (intervals.get(key) ?? []).map(formatInterval),
    builtAt: built.get(key)?.builtAt ?? null,
  };
}
