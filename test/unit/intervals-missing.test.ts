import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/intervals/cron.js';
import { clipIntervals, formatInterval, mergeIntervals, subtractIntervals, type Interval } from '../../src/intervals/interval.js';
import { batchIntervals, countIntervals, missingIntervals } from '../../src/intervals/missing.js';

const t = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
const iv = (a: string, b: string): Interval => ({ start: t(a), end: t(b) });
const show = (list: Interval[]) => list.map(formatInterval);
const daily = parseCron('@daily');

describe('interval lists', () => {
  it('merge overlapping and touching ranges into one', () => {
    expect(mergeIntervals([iv('2024-01-03', '2024-01-04'), iv('2024-01-01', '2024-01-02'), iv('2024-01-02', '2024-01-03')])).toEqual([iv('2024-01-01', '2024-01-04')]);
    expect(mergeIntervals([iv('2024-01-01', '2024-01-05'), iv('2024-01-02', '2024-01-03'), iv('2024-01-07', '2024-01-08')])).toEqual([
      iv('2024-01-01', '2024-01-05'),
      iv('2024-01-07', '2024-01-08'),
    ]);
    expect(mergeIntervals([iv('2024-01-02', '2024-01-02')])).toEqual([]);
  });

  it('subtract and clip', () => {
    const all = [iv('2024-01-01', '2024-01-10')];
    expect(subtractIntervals(all, [iv('2024-01-03', '2024-01-05'), iv('2024-01-09', '2024-01-20')])).toEqual([
      iv('2024-01-01', '2024-01-03'),
      iv('2024-01-05', '2024-01-09'),
    ]);
    expect(subtractIntervals(all, all)).toEqual([]);
    expect(subtractIntervals(all, [])).toEqual(all);
    expect(clipIntervals([iv('2024-01-01', '2024-01-05'), iv('2024-01-08', '2024-01-12')], iv('2024-01-04', '2024-01-09'))).toEqual([
      iv('2024-01-04', '2024-01-05'),
      iv('2024-01-08', '2024-01-09'),
    ]);
  });

  it('format as dates, or date-times for hourly bounds', () => {
    expect(formatInterval(iv('2024-01-01', '2024-01-02'))).toBe('[2024-01-01, 2024-01-02)');
    expect(formatInterval({ start: t('2024-01-01T05:00:00Z'), end: t('2024-01-01T06:00:00Z') })).toBe('[2024-01-01 05:00, 2024-01-01 06:00)');
  });
});

describe('missing intervals', () => {
  const now = t('2024-01-15T10:00:00Z');

  it('run from the start to the last complete interval, minus what is known', () => {
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: [] }))).toEqual(['[2024-01-01, 2024-01-15)']);
    expect(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: [iv('2024-01-01', '2024-01-15')] })).toEqual([]);
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: [iv('2024-01-03', '2024-01-10')] }))).toEqual([
      '[2024-01-01, 2024-01-03)',
      '[2024-01-10, 2024-01-15)',
    ]);
  });

  it('start at the last complete interval when the model has no start', () => {
    expect(show(missingIntervals({ schedule: daily, now, known: [] }))).toEqual(['[2024-01-14, 2024-01-15)']);
  });

  it('stay within a limit, taking every interval the limit touches', () => {
    const limit = { start: t('2024-01-05T12:00:00Z'), end: t('2024-01-08') };
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: [], limit }))).toEqual(['[2024-01-05, 2024-01-08)']);
    // Never past the last complete interval, never before the model's start.
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-10'), now, known: [], limit: { start: t('2023-01-01'), end: t('2025-01-01') } }))).toEqual([
      '[2024-01-10, 2024-01-15)',
    ]);
    expect(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: [], limit: { start: t('2024-02-01') } })).toEqual([]);
  });

  it('only take what is due after the last known interval in a run, with lookback', () => {
    const known = [iv('2024-01-01', '2024-01-05'), iv('2024-01-07', '2024-01-14')];
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known, onlyAfterKnown: true }))).toEqual(['[2024-01-14, 2024-01-15)']);
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known, onlyAfterKnown: true, lookback: 2 }))).toEqual(['[2024-01-12, 2024-01-15)']);
    expect(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: [iv('2024-01-01', '2024-01-15')], onlyAfterKnown: true, lookback: 2 })).toEqual([]);
  });

  it('align gaps left by a changed cron to whole intervals', () => {
    const hourlyKnown = [{ start: t('2024-01-01'), end: t('2024-01-10T13:00:00Z') }];
    expect(show(missingIntervals({ schedule: daily, start: t('2024-01-01'), now, known: hourlyKnown }))).toEqual(['[2024-01-10, 2024-01-15)']);
  });

  it('follow hourly, weekly and monthly crons', () => {
    const hourly = parseCron('@hourly');
    expect(countIntervals(hourly, missingIntervals({ schedule: hourly, start: t('2024-01-15'), now, known: [] }))).toBe(10);
    const weekly = parseCron('@weekly');
    expect(show(missingIntervals({ schedule: weekly, start: t('2024-01-01'), now, known: [] }))).toEqual(['[2023-12-31, 2024-01-14)']);
    const monthly = parseCron('@monthly');
    expect(show(missingIntervals({ schedule: monthly, start: t('2023-11-15'), now, known: [] }))).toEqual(['[2023-11-01, 2024-01-01)']);
  });
});

describe('batches', () => {
  it('split each range into batch_size intervals, or keep it whole', () => {
    const ranges = [iv('2024-01-01', '2024-01-15'), iv('2024-01-20', '2024-01-22')];
    expect(show(batchIntervals(daily, ranges, 6))).toEqual([
      '[2024-01-01, 2024-01-07)',
      '[2024-01-07, 2024-01-13)',
      '[2024-01-13, 2024-01-15)',
      '[2024-01-20, 2024-01-22)',
    ]);
    expect(batchIntervals(daily, ranges)).toEqual(ranges);
    expect(batchIntervals(daily, ranges, 1)).toHaveLength(16);
    expect(countIntervals(daily, ranges)).toBe(16);
    expect(countIntervals(parseCron('@monthly'), [iv('2024-01-01', '2024-04-01')])).toBe(3);
  });
});
