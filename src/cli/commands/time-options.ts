import { parseTimeInput } from '../../intervals/time-input.js';

/** `--execution-time`: act as if the clock read this time (a date means its midnight, UTC). */
export function executionClock(text: string | undefined): (() => Date) | undefined {
  if (text === undefined) return undefined;
  const ms = parseTimeInput(text, 'execution-time');
  return () => new Date(ms);
}

/** The `--execution-time` option of `plan` and `run`. */
export const EXECUTION_TIME_OPTION = {
  type: 'string',
  describe: "act as if now were this time: it decides which intervals are complete (YYYY-MM-DD or 'YYYY-MM-DD HH:MM', UTC)",
} as const;
