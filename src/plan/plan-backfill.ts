import { InputError } from '../errors.js';
import type { Interval } from '../intervals/interval.js';
import { parseTimeInput } from '../intervals/time-input.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { builtKey, type EnvironmentRecord, type StateReader } from '../state/state-store.js';
import { tracksIntervals } from '../kinds/registry.js';
import { scheduleOf, startOf, withBackfill } from './backfill-planner.js';
import type { Plan } from './plan.js';
import { versionsHeldElsewhere, type TableHolder } from './versions-elsewhere.js';

/** A time given to the library as a Date, epoch ms, or text as the CLI takes it. */
export type TimeInput = Date | number | string;

/** The interval options of a plan: `--start/--end` and `--restate-model`. */
export interface IntervalOptions {
  /** Limit a backfill outside prod (or a restatement) to [start, end). A date as `end` includes that day. */
  start?: TimeInput;
  end?: TimeInput;
  /** Recompute the computed intervals of these models (and their downstream models) in place. */
  restateModels?: string[];
}

/**
 * Completes a draft plan with its builds and intervals: reads what the decision needs
 * from state (computed intervals, prod's versions) and leaves it to the pure
 * `withBackfill`.
 */
export async function addBackfill(
  draft: Plan,
  input: {
    state: StateReader;
    order: readonly string[];
    built: Pick<ReadonlySet<string>, 'has'>;
    heldBuilt?: boolean;
    held: ReadonlySet<string>;
    prod?: EnvironmentRecord;
    now: number;
    isProtected: (environment: string) => boolean;
    options: IntervalOptions;
  },
): Promise<Plan> {
  const { state, options } = input;
  const start = toMs(options.start, 'start');
  const end = toMs(options.end, 'end');
  if (start !== undefined && end !== undefined && end <= start) {
    // An empty range would build empty tables and record them as computed.
    throw new InputError(`--end ${new Date(end).toISOString()} is not after --start ${new Date(start).toISOString()}: the range is empty`, {
      code: 'invalid_time',
      hint: 'give --end a time after --start (a date as --end includes that whole day)',
    });
  }
  const range = start === undefined && end === undefined ? undefined : { start, end };
  const restate = options.restateModels?.length ? { models: options.restateModels, start, end } : undefined;

  // A bad cron fails every plan, not only the one that first computes the model; a bad
  // start too (after every cron is checked), not the build that first reads it. One pass.
  const interesting: Snapshot[] = [];
  let badStart: { error: unknown } | undefined;
  for (const name in draft.target) {
    const s = draft.snapshots[draft.target[name]];
    if (tracksIntervals(s.model.kind)) {
      scheduleOf(s.model);
      if (restate || !input.held.has(s.id)) interesting.push(s);
    }
    if (badStart) continue;
    try {
      startOf(s.model);
    } catch (error) {
      badStart = { error };
    }
  }
  if (badStart) throw badStart.error;

  // Only a version the plan computes or restates asks who else holds its table (withBackfill's
  // ownsTable): a plan that computes none of them reads no other environment.
  const asksOwnership = restate !== undefined || range !== undefined || interesting.length > 0;
  const heldElsewhere = asksOwnership ? await versionsHeldElsewhere(state, draft.environment, input.now, input.isProtected) : new Map<string, TableHolder[]>();
  const intervals: Map<string, Interval[]> = interesting.length ? await state.getIntervals(interesting.map((s) => builtKey(s.name, s.version))) : new Map();
  return withBackfill(draft, { order: input.order, built: input.built, heldBuilt: input.heldBuilt, intervals, held: input.held, heldElsewhere, now: input.now, range, restate });
}

function toMs(value: TimeInput | undefined, role: 'start' | 'end'): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return parseTimeInput(value, role);
}
