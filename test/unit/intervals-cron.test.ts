import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ceilToUnit, floorToUnit, lastCompleteEnd, nextBoundary, nextFire, parseCron } from '../../src/intervals/cron.js';
import { parseTimeInput } from '../../src/intervals/time-input.js';

const t = (iso: string) => Date.parse(iso);

describe('cron schedules', () => {
  it('say when the cron next fires, strictly after a time (auto-restatement)', () => {
    expect(nextFire(parseCron('@daily'), t('2024-01-05T06:00:00Z'))).toBe(t('2024-01-06T00:00:00Z'));
    expect(nextFire(parseCron('@daily'), t('2024-01-06T00:00:00Z'))).toBe(t('2024-01-07T00:00:00Z'));
    expect(nextFire(parseCron('30 2 * * *'), t('2024-01-05T01:00:00Z'))).toBe(t('2024-01-05T02:30:00Z'));
    expect(nextFire(parseCron('0 0 3 * *'), t('2024-01-03T00:00:00Z'))).toBe(t('2024-02-03T00:00:00Z'));
    expect(nextFire(parseCron('0 0 3 * *'), t('2024-01-02T00:00:00Z'))).toBe(t('2024-01-03T00:00:00Z'));
    expect(nextFire(parseCron('0 6 * * 1'), t('2024-01-01T06:00:00Z'))).toBe(t('2024-01-08T06:00:00Z'));
  });

  it('read the aliases and 5-field crons as a unit and an offset', () => {
    expect(parseCron('@daily')).toMatchObject({ unit: 'day', offsetMs: 0 });
    expect(parseCron('@hourly')).toMatchObject({ unit: 'hour', offsetMs: 0 });
    expect(parseCron('@weekly')).toMatchObject({ unit: 'week', offsetMs: 0, weekStart: 0 });
    expect(parseCron('@monthly')).toMatchObject({ unit: 'month', offsetMs: 0 });
    expect(parseCron('15 * * * *')).toMatchObject({ unit: 'hour', offsetMs: 15 * 60_000 });
    expect(parseCron('30 2 * * *')).toMatchObject({ unit: 'day', offsetMs: 2.5 * 3_600_000 });
    expect(parseCron('0 6 * * 1')).toMatchObject({ unit: 'week', offsetMs: 6 * 3_600_000, weekStart: 1 });
    expect(parseCron('0 0 3 * *')).toMatchObject({ unit: 'month', offsetMs: 2 * 86_400_000 });
  });

  it('refuse crons whose intervals are not one fixed unit, with a hint', () => {
    for (const bad of ['*/5 * * * *', '0 0 * 1 *', '0 1,2 * * *', '0 0 31 * *', '@yearly', 'daily', '0 0 1 * 1', '60 * * * *']) {
      expect(() => parseCron(bad), bad).toThrow(InputError);
    }
    try {
      parseCron('*/5 * * * *', { file: 'models/a.sql', line: 4 });
    } catch (err) {
      expect((err as InputError).display).toBe("models/a.sql:4: unsupported cron '*/5 * * * *'");
      expect((err as InputError).hint).toContain('@daily');
    }
  });

  it('align to UTC hours, days, weeks from their start day, and calendar months', () => {
    const at = t('2024-02-29T13:45:10Z'); // a Thursday
    expect(floorToUnit(parseCron('@hourly'), at)).toBe(t('2024-02-29T13:00:00Z'));
    expect(floorToUnit(parseCron('@daily'), at)).toBe(t('2024-02-29T00:00:00Z'));
    expect(floorToUnit(parseCron('@weekly'), at)).toBe(t('2024-02-25T00:00:00Z'));
    expect(floorToUnit(parseCron('0 0 * * 1'), at)).toBe(t('2024-02-26T00:00:00Z'));
    expect(floorToUnit(parseCron('@monthly'), at)).toBe(t('2024-02-01T00:00:00Z'));
    expect(nextBoundary(parseCron('@monthly'), t('2024-02-01T00:00:00Z'))).toBe(t('2024-03-01T00:00:00Z'));
    expect(nextBoundary(parseCron('@monthly'), t('2024-12-01T00:00:00Z'))).toBe(t('2025-01-01T00:00:00Z'));
    expect(ceilToUnit(parseCron('@daily'), at)).toBe(t('2024-03-01T00:00:00Z'));
    expect(ceilToUnit(parseCron('@daily'), t('2024-03-01T00:00:00Z'))).toBe(t('2024-03-01T00:00:00Z'));
  });

  it('call an interval complete once its cron has fired', () => {
    expect(lastCompleteEnd(parseCron('@daily'), t('2024-01-15T00:00:00Z'))).toBe(t('2024-01-15T00:00:00Z'));
    expect(lastCompleteEnd(parseCron('@daily'), t('2024-01-14T23:59:59Z'))).toBe(t('2024-01-14T00:00:00Z'));
    // Daily at 02:30: yesterday is complete only after 02:30 today.
    expect(lastCompleteEnd(parseCron('30 2 * * *'), t('2024-01-15T02:00:00Z'))).toBe(t('2024-01-14T00:00:00Z'));
    expect(lastCompleteEnd(parseCron('30 2 * * *'), t('2024-01-15T02:30:00Z'))).toBe(t('2024-01-15T00:00:00Z'));
    expect(lastCompleteEnd(parseCron('@monthly'), t('2024-03-10T00:00:00Z'))).toBe(t('2024-03-01T00:00:00Z'));
    expect(lastCompleteEnd(parseCron('0 0 3 * *'), t('2024-03-02T00:00:00Z'))).toBe(t('2024-02-01T00:00:00Z'));
  });
});

describe('time input', () => {
  it('reads dates as whole UTC days, inclusive as an end', () => {
    expect(parseTimeInput('2024-01-03', 'start')).toBe(t('2024-01-03T00:00:00Z'));
    expect(parseTimeInput('2024-01-03', 'end')).toBe(t('2024-01-04T00:00:00Z'));
    expect(parseTimeInput('2024-01-03 05:00', 'end')).toBe(t('2024-01-03T05:00:00Z'));
    expect(parseTimeInput('2024-01-03T05:00:00+02:00', 'execution-time')).toBe(t('2024-01-03T03:00:00Z'));
  });

  it('refuses anything else with an InputError naming the option', () => {
    for (const bad of ['yesterday', '2024-13-01', '2024-02-30', '2024/01/01', '']) {
      expect(() => parseTimeInput(bad, 'start'), bad).toThrow(/--start '.*' is not a date/);
    }
  });
});
