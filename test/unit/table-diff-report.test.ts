import chalk from 'chalk';
import { beforeAll, describe, expect, it } from 'vitest';
import { percent, renderEnvironmentDiff, renderTableDiff, tableDiffJson } from '../../src/cli/render/table-diff-report.js';
import type { ModelDiffResult } from '../../src/table-diff/diff-models.js';

const result = (over: Partial<ModelDiffResult> = {}): ModelDiffResult => ({
  model: 'analytics.orders',
  a: { label: 'dev', table: { schema: 'planner__analytics', table: 'analytics__orders__1' }, rows: 1000 },
  b: { label: 'prod', table: { schema: 'planner__analytics', table: 'analytics__orders__2' }, rows: 1010 },
  on: ['order_id'],
  decimals: 3,
  where: null,
  schema: { added: [{ name: 'ship_date', type: 'DATE' }], removed: [], typeChanged: [], compared: ['status', 'revenue'], skipped: [] },
  keys: { a: { rows: 1000, nullKeyRows: 0, duplicateKeys: 0, duplicateRows: 0 }, b: { rows: 1010, nullKeyRows: 0, duplicateKeys: 0, duplicateRows: 0 } },
  rows: {
    onlyInA: 0,
    onlyInB: 10,
    matched: 1000,
    identical: 960,
    different: 40,
    columns: [
      { name: 'status', equal: 1000, different: 0, rate: 1, rounded: false },
      { name: 'revenue', equal: 960, different: 40, rate: 0.96, rounded: true },
    ],
  },
  refused: null,
  samples: {
    onlyInA: [],
    onlyInB: [{ order_id: 7, status: 'x', revenue: 1.5 }],
    different: [{ key: { order_id: 3 }, a: { status: 'done', revenue: 0 }, b: { status: 'done', revenue: 12.5 }, differing: ['revenue'] }],
  },
  ...over,
});

describe('table-diff report', () => {
  beforeAll(() => {
    chalk.level = 0;
  });

  it('never rounds a difference away in a percentage', () => {
    expect(percent(5, 5)).toBe('100%');
    expect(percent(9999, 10000)).toBe('>99.9%');
    expect(percent(1, 10000)).toBe('<0.1%');
    expect(percent(1, 3)).toBe('33.3%');
    expect(percent(0, 0)).toBe('–');
  });

  it('prints counts, shares, columns and samples with only the differing columns', () => {
    const text = renderTableDiff(result());
    expect(text).toContain('analytics.orders: dev vs prod  on order_id');
    expect(text).toContain('+ ship_date DATE  only in dev');
    expect(text).toMatch(/only in prod +10  1\.0% of prod/);
    expect(text).toMatch(/identical +960  96\.0%/);
    expect(text).toMatch(/different +40  4\.0%/);
    expect(text).toMatch(/revenue +96\.0% ≈  40 differ/);
    expect(text).toMatch(/order_id +revenue \(dev\) +revenue \(prod\)/);
    expect(text).not.toContain('status (dev)');
    expect(text).toMatch(/3 +0 +12\.5/);
  });

  it('says why rows were not compared', () => {
    const refused = result({
      rows: null,
      samples: null,
      refused: 'the key does not identify rows: dev has 2 duplicate keys (5 rows)',
      keys: { a: { rows: 1000, nullKeyRows: 1, duplicateKeys: 2, duplicateRows: 5 }, b: result().keys.b },
    });
    const text = renderTableDiff(refused);
    expect(text).toContain('dev   2 duplicate keys on 5 rows, 1 row with a NULL key (left out)');
    expect(text).toContain('Rows not compared: the key does not identify rows');
    expect(text).toContain('--allow-duplicate-keys');
  });

  it('prints one line per model for two environments', () => {
    const text = renderEnvironmentDiff('dev', 'prod', [
      { model: 'a.same', status: 'diffed', result: result({ schema: { ...result().schema, added: [] }, rows: { ...result().rows!, onlyInB: 0, identical: 1000, different: 0 } }) },
      { model: 'a.changed', status: 'diffed', result: result() },
      { model: 'a.nokey', status: 'skipped', reason: 'no grain: diff it alone with --on COL...' },
    ]);
    expect(text.split('\n')).toEqual([
      'dev vs prod: 3 models differ in version',
      '  a.same     same data: 1,000 rows match',
      '  a.changed  columns +1 · 10 only in prod · 40 of 1,000 matched differ (4.0%)',
      '  a.nokey    skipped: no grain: diff it alone with --on COL...',
    ]);
  });

  it('makes sample values JSON-safe', () => {
    const json = tableDiffJson(result({ samples: { onlyInA: [{ id: 10n, day: new Date('2024-01-02T00:00:00Z') }], onlyInB: [], different: [] } }));
    expect(JSON.parse(JSON.stringify(json)).samples.onlyInA).toEqual([{ id: 10, day: '2024-01-02' }]);
  });
});
