import { parseCron } from '../intervals/cron.js';
import { InputError } from '../errors.js';
import type { KindArgs } from './kind-strategy.js';

/** The kind arguments of SQLMesh's auto-restatement, for the kinds that can be restated. */
export const AUTO_RESTATEMENT_ARGS = ['auto_restatement_cron'] as const;
/** Only a time range knows which intervals are its last N (SQLMesh: INCREMENTAL_BY_TIME_RANGE alone). */
export const AUTO_RESTATEMENT_INTERVALS_ARG = 'auto_restatement_intervals';

/**
 * `auto_restatement_cron` (and, where `withIntervals`, `auto_restatement_intervals`): when
 * the cron is due, `planner run` in prod restates the model's last N intervals (all of
 * them without N) and its downstream models'. Both are metadata, as in SQLMesh.
 */
export function readAutoRestatement(args: KindArgs, withIntervals: boolean): { autoRestatementCron?: string; autoRestatementIntervals?: number } {
  const out: { autoRestatementCron?: string; autoRestatementIntervals?: number } = {};
  if (args.has('auto_restatement_cron')) {
    const cron = args.text('auto_restatement_cron');
    try {
      parseCron(cron);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      args.fail(`auto_restatement_cron: ${e.message}; ${e.hint ?? ''}`.trim(), 'auto_restatement_cron');
    }
    out.autoRestatementCron = cron;
  }
  if (withIntervals && args.has(AUTO_RESTATEMENT_INTERVALS_ARG)) {
    const n = args.wholeNumber(AUTO_RESTATEMENT_INTERVALS_ARG);
    if (!n) args.fail('auto_restatement_intervals must be a positive whole number', AUTO_RESTATEMENT_INTERVALS_ARG);
    if (!out.autoRestatementCron) args.fail('auto_restatement_intervals needs auto_restatement_cron: it says how many intervals each auto-restatement recomputes', AUTO_RESTATEMENT_INTERVALS_ARG);
    out.autoRestatementIntervals = n;
  }
  return out;
}
