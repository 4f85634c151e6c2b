import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { KeptSnapshots } from '../../src/state/kept-snapshots.js';

/** A snapshot as state would decode it (only what decodeSnapshot checks matters here). */
const snapshot = (id: string, query: string) =>
  ({ id, name: id.split('#')[0], version: 'v1', fingerprint: { data: 'd', metadata: 'm' }, physical: { schema: 's', table: 't' }, model: { name: id.split('#')[0], kind: { name: 'FULL' }, query } }) as unknown as Snapshot;

describe('kept snapshots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'planner-kept-'));
  const file = join(dir, 'cache', 'snapshots.cache');
  afterEach(() => rmSync(join(dir, 'cache'), { recursive: true, force: true }));

  it('reads back one payload as kept, the latest under an id, and nothing it never kept', () => {
    const kept = new KeptSnapshots(file);
    kept.remember([snapshot('a#1', 'SELECT 1'), snapshot('b#1', 'SELECT 2')]);
    kept.remember([snapshot('b#1', 'SELECT 3'), snapshot('c#1', 'SELECT é')]);
    const read = kept.reader();
    expect(read('a#1')).toEqual(snapshot('a#1', 'SELECT 1'));
    expect(read('b#1')).toEqual(snapshot('b#1', 'SELECT 3'));
    expect(read('c#1')).toEqual(snapshot('c#1', 'SELECT é'));
    expect(read('d#1')).toBeUndefined();
  });

  it('gives nothing, and fails nothing, for a missing or damaged file', () => {
    expect(new KeptSnapshots(file).reader()('a#1')).toBeUndefined();
    new KeptSnapshots(file).remember([snapshot('a#1', 'SELECT 1')]);
    writeFileSync(file, 'not a kept file');
    expect(new KeptSnapshots(file).reader()('a#1')).toBeUndefined();
    // Remembering over a damaged file starts it afresh.
    new KeptSnapshots(file).remember([snapshot('b#1', 'SELECT 2')]);
    expect(new KeptSnapshots(file).reader()('b#1')).toEqual(snapshot('b#1', 'SELECT 2'));
  });
});
