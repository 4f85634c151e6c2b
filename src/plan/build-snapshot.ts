import { join } from 'node:path';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { fullRefreshTimes, renderSnapshot } from './render-snapshot.js';

/**
 * Materializes one snapshot's physical object by its kind. Parents are already built;
 * `parentOf` gives the parent snapshots the query must read.
 */
export async function buildSnapshot(
  snapshot: Snapshot,
  parentOf: (name: string) => Snapshot | undefined,
  deps: { engine: EngineAdapter; projectDir: string },
  now: Date,
): Promise<void> {
  const { engine } = deps;
  const kind = snapshot.model.kind;
  switch (kind.name) {
    case 'SEED':
      await engine.loadCsv(snapshot.physical, join(deps.projectDir, snapshot.model.seedPath!), snapshot.model.columns);
      return;
    case 'VIEW':
      await engine.createView(snapshot.physical, renderSnapshot(snapshot, parentOf, fullRefreshTimes(snapshot, now)));
      return;
    case 'FULL':
    case 'INCREMENTAL_BY_TIME_RANGE':
    case 'INCREMENTAL_BY_UNIQUE_KEY':
      await engine.createTableAs(snapshot.physical, renderSnapshot(snapshot, parentOf, fullRefreshTimes(snapshot, now)));
      return;
    case 'EMBEDDED':
    case 'EXTERNAL':
      return;
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${JSON.stringify(never)}`);
    }
  }
}
