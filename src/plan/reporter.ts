import type { Interval } from '../intervals/interval.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** What the evaluator tells whoever watches an apply (the CLI draws progress from it). */
export interface ApplyReporter {
  buildStarted?(snapshot: Snapshot, index: number, total: number): void;
  buildFinished?(snapshot: Snapshot, index: number, total: number, ms: number): void;
  promoted?(environment: string, views: number, dropped: number): void;
  /** A batch of intervals of `snapshot` starts: batch `index` of `total`. */
  batchStarted?(snapshot: Snapshot, index: number, total: number, batch: Interval): void;
  /** The batch is computed and recorded; `rows` it wrote, when counted (only with this callback). */
  batchFinished?(snapshot: Snapshot, index: number, total: number, batch: Interval, rows: number | undefined, ms: number): void;
  /** A non-blocking audit found bad rows: the apply goes on, a person should know. */
  auditWarning?(snapshot: Snapshot, message: string): void;
}

export const silentReporter: ApplyReporter = {};
