import type { Snapshot } from '../snapshot/snapshot.js';

/** What the evaluator tells whoever watches an apply (the CLI draws progress from it). */
export interface ApplyReporter {
  buildStarted?(snapshot: Snapshot, index: number, total: number): void;
  buildFinished?(snapshot: Snapshot, index: number, total: number, ms: number): void;
  promoted?(environment: string, views: number, dropped: number): void;
}

export const silentReporter: ApplyReporter = {};
