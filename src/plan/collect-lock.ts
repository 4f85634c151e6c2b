import type { EngineAdapter, HeldLock } from '../engine/engine-adapter.js';

/**
 * Applies and runs in progress on a state engine in this process (DuckDB leaves exclusion
 * between processes to its file lock, so only this process can race itself).
 */
const active = new WeakMap<EngineAdapter, number>();
/** A janitor collecting on a state engine in this process: applies wait for it to finish. */
const collecting = new WeakMap<EngineAdapter, Promise<void>>();

const key = (stateSchema: string) => `collect ${stateSchema}`;

/**
 * Taken (shared) by every apply and run for its whole length, so the janitor never drops a
 * table, or forgets a snapshot, that one of them is about to record: the snapshots an
 * apply inserts are referenced by no environment until it finishes. Waits only while a
 * janitor is collecting; many applies hold it at once.
 * @example const lock = await holdAgainstJanitor(stateEngine, 'planner_state', plan.id)
 */
export async function holdAgainstJanitor(engine: EngineAdapter, stateSchema: string, holder: string): Promise<HeldLock> {
  for (let busy = collecting.get(engine); busy; busy = collecting.get(engine)) await busy;
  active.set(engine, (active.get(engine) ?? 0) + 1);
  let remote: HeldLock | undefined;
  try {
    remote = await engine.locks?.lock(key(stateSchema), `planner apply ${holder} pid ${process.pid}`, { shared: true });
  } catch (err) {
    active.set(engine, (active.get(engine) ?? 1) - 1);
    throw err;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      active.set(engine, (active.get(engine) ?? 1) - 1);
      await remote?.release();
    },
  };
}

/**
 * The janitor's side: the lock exclusively, without waiting. Undefined when an apply or
 * run holds it (then `heldBy` names one when the engine can tell), so the janitor skips
 * collecting tables this time instead of racing it.
 */
export async function tryCollect(engine: EngineAdapter, stateSchema: string, holder: string): Promise<{ lock: HeldLock } | { heldBy: string | null }> {
  if (active.get(engine) || collecting.get(engine)) return { heldBy: 'an apply or run in this process' };
  let done!: () => void;
  collecting.set(engine, new Promise<void>((resolve) => (done = resolve)));
  const finish = () => {
    collecting.delete(engine);
    done();
  };
  try {
    const outcome = engine.locks ? await engine.locks.tryLock(key(stateSchema), holder) : { lock: { release: async () => undefined } };
    if (!('lock' in outcome)) {
      finish();
      return outcome;
    }
    const remote = outcome.lock;
    return {
      lock: {
        async release() {
          finish();
          await remote.release();
        },
      },
    };
  } catch (err) {
    finish();
    throw err;
  }
}
