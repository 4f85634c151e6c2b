import { hostname } from 'node:os';
import type { EngineAdapter, HeldLock } from '../engine/engine-adapter.js';
import { ConflictError } from '../errors.js';
import type { StateStore } from '../state/state-store.js';
import { LATEST_STATE_VERSION } from '../state/migrations/latest.js';
import { assertKnownStateVersion } from '../state/state-guard.js';

/**
 * The environment locks one context holds (ContextOptions.environmentLocks; tests pass their
 * own, never module state). Engines that leave exclusion to the process (DuckDB: one
 * process opens the file, one context the engine) rely on it alone; PostgreSQL adds its
 * advisory lock between processes.
 */
export class EnvironmentLocks {
  private readonly held = new Set<string>();

  /**
   * Takes the lock of one environment in one state schema before any work of an apply, on
   * the connection that holds state (several warehouses may share one state). When another
   * apply holds it, fails at once naming that apply's plan, and nothing is written.
   * @example const lock = await locks.lock(stateEngine, 'planner_state', plan.environment, plan.id)
   */
  async lock(engine: EngineAdapter, stateSchema: string, environment: string, planId: string): Promise<HeldLock> {
    const key = `environment ${stateSchema}.${environment}`;
    const localKey = `${engine.description}\0${key}`;
    if (this.held.has(localKey)) throw lockedError(environment, null);
    let remote: HeldLock | undefined;
    if (engine.locks) {
      const outcome = await engine.locks.tryLock(key, holderLabel(planId));
      if (!('lock' in outcome)) throw lockedError(environment, outcome.heldBy);
      remote = outcome.lock;
    }
    const held = this.held;
    held.add(localKey);
    return {
      async release() {
        held.delete(localKey);
        await remote?.release();
      },
    };
  }
}

/**
 * Creates or upgrades the state schema with one process at a time: several processes
 * starting on a fresh database would otherwise race to create the same tables.
 */
export async function migrateState(engine: EngineAdapter, state: StateStore, stateSchema: string): Promise<void> {
  // A newer state is refused before anything runs; a failure to read the version is an error, never a fresh database.
  const version = assertKnownStateVersion(await state.schemaVersion());
  if (version === LATEST_STATE_VERSION) return;
  const lock = await engine.locks?.lock(`migrate ${stateSchema}`, `planner migrate pid ${process.pid}`);
  try {
    await state.migrate();
  } finally {
    await lock?.release();
  }
}

/** Who holds a lock, as the other process will read it back: `planner apply <plan> pid <pid> <host>`. */
function holderLabel(planId: string): string {
  return `planner apply ${planId} pid ${process.pid} ${hostname()}`;
}

function lockedError(environment: string, heldBy: string | null): ConflictError {
  const m = heldBy ? /^planner apply (\S+) pid (\d+)(?: (\S+))?/.exec(heldBy) : null;
  const who = m ? `plan ${m[1]} (pid ${m[2]}${m[3] ? ` on ${m[3]}` : ''})` : heldBy ? `'${heldBy}'` : 'another apply';
  return new ConflictError(`environment '${environment}' is locked: ${who} is applying it now; nothing was done`, {
    code: 'environment_locked',
    hint: `wait for that apply to finish, then plan ${environment} again`,
  });
}
