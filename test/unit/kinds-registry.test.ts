import { describe, expect, it } from 'vitest';
import { kindNamed, kindNames, kindStrategy, restatableKinds, tracksIntervals } from '../../src/kinds/registry.js';
import { readModelFile } from '../../src/model/read-model-file.js';

const defaults = { dialect: 'duckdb' as const, cron: '@daily' };

describe('the kind registry', () => {
  it('has one consistent strategy per kind name', () => {
    for (const name of kindNames()) {
      const s = kindStrategy(name);
      expect(s.name).toBe(name);
      expect(kindNamed(name.toLowerCase())).toBe(s);
      // Without a physical object there is nothing to fill by interval or to keep.
      if (!s.physical) expect([s.intervals, s.forwardOnlyKeepsTable, s.reference === 'physical']).toEqual([null, false, false]);
      if (s.intervals) expect(s.physical).toBe('table');
    }
    expect(kindNamed('FULLL')).toBeUndefined();
    expect(restatableKinds()).toEqual(['FULL', 'INCREMENTAL_BY_TIME_RANGE', 'INCREMENTAL_BY_UNIQUE_KEY', 'INCREMENTAL_BY_PARTITION']);
  });

  it.each([
    ['kind FULL', { name: 'FULL' }, 'SELECT 1 AS a'],
    ['kind VIEW (materialized true)', { name: 'VIEW' }, 'SELECT 1 AS a'],
    ['kind EMBEDDED', { name: 'EMBEDDED' }, 'SELECT 1 AS a'],
    ['kind EXTERNAL', { name: 'EXTERNAL' }, ''],
    ["kind SEED (path 'x.csv')", { name: 'SEED', path: 'x.csv' }, ''],
    ['kind INCREMENTAL_BY_TIME_RANGE (time_column ds, batch_size 2, lookback 1)', { name: 'INCREMENTAL_BY_TIME_RANGE', timeColumn: 'ds', batchSize: 2, lookback: 1 }, 'SELECT 1 AS ds'],
    ['kind incremental_by_unique_key (unique_key (a, b))', { name: 'INCREMENTAL_BY_UNIQUE_KEY', uniqueKey: ['a', 'b'] }, 'SELECT 1 AS a, 2 AS b'],
    ['kind INCREMENTAL_BY_PARTITION, partitioned_by [a, b]', { name: 'INCREMENTAL_BY_PARTITION', partitionedBy: ['a', 'b'] }, 'SELECT 1 AS a, 2 AS b'],
  ])('parses %s through its strategy', (header, kind, query) => {
    const def = readModelFile(`MODEL (name s.t, ${header});\n${query}`, 'models/t.sql', defaults);
    expect(JSON.parse(JSON.stringify(def.kind))).toEqual(kind);
    expect(kindStrategy(def.kind).hasQuery).toBe(query !== '');
    expect(tracksIntervals(def.kind)).toBe(['FULL', 'INCREMENTAL_BY_TIME_RANGE', 'INCREMENTAL_BY_UNIQUE_KEY', 'INCREMENTAL_BY_PARTITION'].includes(kind.name));
  });
});
