import type { CronSchedule } from '../intervals/cron.js';
import type { Interval } from '../intervals/interval.js';
import { batchIntervals } from '../intervals/missing.js';
import type { KindBatch } from './kind-strategy.js';

/** Batches of at most `batchSize` cron intervals (each missing range whole without one), each recording its own range. */
export function cronBatches(schedule: CronSchedule, missing: readonly Interval[], batchSize: number | undefined): KindBatch[] {
  return batchIntervals(schedule, missing, batchSize).map((b) => ({ ...b, intervals: [{ start: b.start, end: b.end }] }));
}
