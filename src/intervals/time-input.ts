import { InputError } from '../errors.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DAY = 86_400_000;

/**
 * A `--start`, `--end` or `--execution-time` value as epoch milliseconds. A date alone
 * means that day in UTC; as an end it includes the whole day (`--end 2024-01-03` ends at
 * 2024-01-04T00:00Z), as SQLMesh reads it. Times without a zone are UTC.
 * @example parseTimeInput('2024-01-03', 'end') // Date.UTC(2024, 0, 4)
 */
export function parseTimeInput(text: string, role: 'start' | 'end' | 'execution-time'): number {
  const value = text.trim();
  let ms = Number.NaN;
  if (DATE.test(value)) {
    ms = Date.parse(`${value}T00:00:00Z`);
    if (role === 'end' && !Number.isNaN(ms)) ms += DAY;
  } else if (DATE_TIME.test(value)) {
    const iso = value.replace(' ', 'T');
    ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  }
  if (Number.isNaN(ms) || (DATE.test(value) && new Date(Date.parse(`${value}T00:00:00Z`)).toISOString().slice(0, 10) !== value)) {
    throw new InputError(`--${role} '${text}' is not a date or date-time`, {
      code: 'invalid_time',
      hint: "use YYYY-MM-DD (a whole day, UTC) or YYYY-MM-DD HH:MM[:SS] (UTC unless a zone like +02:00 is given)",
    });
  }
  return ms;
}
