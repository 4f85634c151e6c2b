import type { EngineAdapter } from './engine/engine-adapter.js';
import type { PlanReadsCache } from './state/plan-reads-cache.js';
import { emptyReads, ReplayMiss, type Recorder, type Replay } from './state/recorded-reads.js';
import { recordedSources, replayedSources, type Catalog } from './state/replay-sources.js';
import type { StateStore } from './state/state-store.js';
import type { Connections } from './warehouse-connections.js';

/**
 * A lazy context's plan reads on a local DuckDB warehouse (state/plan-reads-cache.ts): a
 * plan or run answered from the last plan's recording before the warehouse is opened, and,
 * once it is, the reads of this context's plans recorded and kept when it closes, unless
 * anything else used the warehouse meanwhile.
 */
export class PlanRecording {
  /** The reads this context's plans make while it plans only (spoiled by any other use of the warehouse). */
  private readonly recorder: Recorder = { reads: emptyReads(), spoiled: false };

  constructor(private readonly cache: PlanReadsCache) {}

  /** Something other than a plan's reads used the warehouse: nothing this context read is kept. */
  spoil(): void {
    this.recorder.spoiled = true;
  }

  /** The open warehouse's state and engine, their reads recorded (any other call spoils the recording). */
  sources(open: Connections): { state: StateStore; engine: EngineAdapter } {
    return recordedSources(open.state, open.engine, this.recorder);
  }

  /**
   * `fn` run on state and catalog answered from the recorded reads; undefined where there
   * is no valid recording or it could not answer every read (the caller reads the
   * warehouse). An error after a missed read may be that miss's consequence: the warehouse
   * decides then too. `unchanged` says later whether the warehouse is still as read.
   */
  async replay<T>(fn: (recorded: { state: StateStore; catalog: Catalog }) => Promise<T>): Promise<{ value: T; unchanged: () => boolean } | undefined> {
    const recorded = this.cache.load();
    if (!recorded) return undefined;
    const replay: Replay = { reads: recorded.reads, missed: false, stored: this.cache.kept().reader() };
    try {
      const value = await fn(replayedSources(replay));
      if (replay.missed) return undefined;
      return { value, unchanged: recorded.unchanged };
    } catch (err) {
      if (err instanceof ReplayMiss || replay.missed) return undefined;
      throw err;
    }
  }

  /**
   * Keeps what was recorded for the next plan, written while the warehouse is still held;
   * returns the check to call once it is closed (PlanReadsCache.save).
   */
  async keep(open: Connections): Promise<() => void> {
    if (this.recorder.spoiled || !this.recorder.reads.calls.size) return () => undefined;
    return this.cache.save(this.recorder.reads, () => open.engine.execute('CHECKPOINT'), open.index);
  }
}
