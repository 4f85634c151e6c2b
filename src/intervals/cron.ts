import { InputError, type SourceLocation } from '../errors.js';
import type { Interval } from './interval.js';

/** The length of one interval of a model. */
export type CronUnit = 'hour' | 'day' | 'week' | 'month';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/**
 * When a model runs, as interval arithmetic: intervals are whole units aligned to UTC
 * (hours, days, weeks starting on `weekStart`, calendar months), and the cron fires
 * `offsetMs` after an interval ends, which is when that interval becomes complete.
 */
export interface CronSchedule {
  cron: string;
  unit: CronUnit;
  offsetMs: number;
  /** Day a week starts on, 0 = Sunday (weekly crons only). */
  weekStart: number;
}

const ALIASES: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
};

const SUPPORTED = "use @hourly, @daily, @weekly, @monthly, or a 5-field cron firing once an hour ('M * * * *'), day ('M H * * *'), week ('M H * * D') or month ('M H D * *')";

/**
 * Parses the crons intervals can be derived from. Others (steps, lists, ranges) are
 * refused with the reason, because their intervals would not be one fixed unit.
 * @example parseCron('30 2 * * *') // { unit: 'day', offsetMs: 9_000_000, ... }
 */
export function parseCron(cron: string, location?: SourceLocation): CronSchedule {
  const text = cron.trim().toLowerCase();
  const fields = (ALIASES[text] ?? text).split(/\s+/);
  const fail = (): never => {
    throw new InputError(`unsupported cron '${cron}'`, { code: 'invalid_cron', location, hint: SUPPORTED });
  };
  if (fields.length !== 5) fail();
  const [minute, hour, dom, month, dow] = fields;
  const num = (field: string, min: number, max: number): number => {
    if (!/^\d+$/.test(field)) fail();
    const n = Number(field);
    if (n < min || n > max) fail();
    return n;
  };
  if (month !== '*') fail();
  const m = num(minute, 0, 59) * MINUTE;
  if (hour === '*') {
    if (dom !== '*' || dow !== '*') fail();
    return { cron, unit: 'hour', offsetMs: m, weekStart: 0 };
  }
  const h = num(hour, 0, 23) * HOUR;
  if (dom === '*' && dow === '*') return { cron, unit: 'day', offsetMs: h + m, weekStart: 0 };
  if (dom === '*') return { cron, unit: 'week', offsetMs: h + m, weekStart: num(dow, 0, 7) % 7 };
  // Days past the 28th do not exist in every month.
  if (dow === '*') return { cron, unit: 'month', offsetMs: (num(dom, 1, 28) - 1) * DAY + h + m, weekStart: 0 };
  return fail();
}

/** Start of the interval that contains `t`. */
export function floorToUnit(s: CronSchedule, t: number): number {
  switch (s.unit) {
    case 'hour':
      return t - mod(t, HOUR);
    case 'day':
      return t - mod(t, DAY);
    case 'week': {
      const day = t - mod(t, DAY);
      const weekday = new Date(day).getUTCDay();
      return day - mod(weekday - s.weekStart, 7) * DAY;
    }
    case 'month': {
      const d = new Date(t);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    default: {
      const never: never = s.unit;
      throw new Error(`unknown unit ${String(never)}`);
    }
  }
}

/** Start of the interval after the one starting at `start` (a unit boundary). */
export function nextBoundary(s: CronSchedule, start: number): number {
  switch (s.unit) {
    case 'hour':
      return start + HOUR;
    case 'day':
      return start + DAY;
    case 'week':
      return start + 7 * DAY;
    case 'month': {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    default: {
      const never: never = s.unit;
      throw new Error(`unknown unit ${String(never)}`);
    }
  }
}

/** Smallest unit boundary at or after `t`. */
export function ceilToUnit(s: CronSchedule, t: number): number {
  const floor = floorToUnit(s, t);
  return floor === t ? t : nextBoundary(s, floor);
}

/** Start of the interval `n` intervals before the one starting at `start`. */
export function boundaryBefore(s: CronSchedule, start: number, n: number): number {
  let t = start;
  for (let i = 0; i < n; i++) t = floorToUnit(s, t - 1);
  return t;
}

/** End of the last interval that is complete at `now`: its cron has fired. */
export function lastCompleteEnd(s: CronSchedule, now: number): number {
  return floorToUnit(s, now - s.offsetMs);
}

/** The first time the cron fires strictly after `t` (croniter's get_next). */
export function nextFire(s: CronSchedule, t: number): number {
  return nextBoundary(s, floorToUnit(s, t - s.offsetMs)) + s.offsetMs;
}

/** The unit intervals of an aligned range, in order. */
export function unitIntervals(s: CronSchedule, range: Interval): Interval[] {
  const out: Interval[] = [];
  for (let t = range.start; t < range.end; t = nextBoundary(s, t)) out.push({ start: t, end: Math.min(nextBoundary(s, t), range.end) });
  return out;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
