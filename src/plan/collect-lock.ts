import type { EngineAdapter, HeldLock } from '../engine/engine-adapter.js';

const key = (stateSchema: string) => `collect ${stateSchema}`;

/**
 * The collect lock as one context sees it (ContextOptions.collectLocks; tests pass their
 * own, never module state): the applies and runs in progress on a state engine, and a
 * janitor collecting on it. DuckDB leaves exclusion between processes to its file lock, so
 * only this context can race itself; PostgreSQL adds an advisory lock between processes.
 */
export class CollectLocks {
  /** Applies and runs in progress on a state engine. */
  private readonly active = new WeakMap<EngineAdapter, number>();
  /** A janitor collecting on a state engine: applies wait for it to finish. */
  private readonly collecting = new WeakMap<EngineAdapter, Promise<void>>();

  /**
   * Taken (shared) by every apply and run for its whole length, so the janitor never drops a
   * table, or forgets a snapshot, that one of them is about to record: the snapshots an
   * apply inserts are referenced by no environment until it finishes. Waits only while a
   * janitor is collecting; many applies hold it at once.
   * @example const lock = await collectLocks.holdAgainstJanitor(stateEngine, 'planner_state', plan.id)
   */
  async holdAgainstJanitor(engine: EngineAdapter, stateSchema: string, holder: string): Promise<HeldLock> {
    for (let busy = this.collecting.get(engine); busy; busy = this.collecting.get(engine)) await busy;
    const count = (delta: number) => this.active.set(engine, (this.active.get(engine) ?? 0) + delta);
    count(1);
    let remote: HeldLock | undefined;
    try {
      remote = await engine.locks?.lock(key(stateSchema), `planner apply ${holder} pid ${process.pid}`, { shared: true });
    } catch (err) {
      count(-1);
      throw err;
    }
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        count(-1);
        await remote?.release();
      },
    };
  }

  /**
   * The janitor's side: the lock exclusively, without waiting. Undefined when an apply or
   * run holds it (then `heldBy` names one when the engine can tell), so the janitor skips
   * collecting tables this time instead of racing it.
   */
  async tryCollect(engine: EngineAdapter, stateSchema: string, holder: string): Promise<{ lock: HeldLock } | { heldBy: string | null }> {
    if (this.active.get(engine) || this.collecting.get(engine)) return { heldBy: 'an apply or run in this process' };
    let done!: () => void;
    this.collecting.set(engine, new Promise<void>((resolve) => (done = resolve)));
    const finish = () => {
      this.collecting.delete(engine);
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
}
