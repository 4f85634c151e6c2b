import { describe, expect, it } from 'vitest';
import { CATALOG_READS, DUCKDB_CATALOG_READS } from '../../src/state/replay-sources.js';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import { emptyReads, indexParts, recording, replaying, ReplayMiss, type Recorder, type Replay } from '../../src/state/recorded-reads.js';
import type { StateIndex } from '../../src/state/state-store.js';

/** A store with one read and one write, standing in for state. */
class Store {
  rows = new Map<string, { n: number }>([['a', { n: 1 }]]);
  async read(keys: string[]): Promise<Map<string, { n: number }>> {
    return new Map(keys.filter((k) => this.rows.has(k)).map((k) => [k, this.rows.get(k)!]));
  }
  async write(key: string): Promise<void> {
    this.rows.set(key, { n: 0 });
  }
  async broken(): Promise<never> {
    throw new Error('no');
  }
}
const READS = new Set(['read', 'broken']);

describe('recorded reads', () => {
  it('replays what each read returned when it returned, whatever the caller did with it after', async () => {
    const recorder: Recorder = { reads: emptyReads(), spoiled: false };
    const store = recording(new Store(), READS, recorder);
    const got = await store.read(['a', 'b']);
    got.get('a')!.n = 99;
    const replay: Replay = { reads: recorder.reads, missed: false };
    const again = replaying<Store>(replay, READS);
    expect(await again.read(['a', 'b'])).toEqual(new Map([['a', { n: 1 }]]));
    // A fresh copy each time.
    (await again.read(['a', 'b'])).get('a')!.n = 5;
    expect((await again.read(['a', 'b'])).get('a')!.n).toBe(1);
    expect(replay.missed).toBe(false);
    expect(recorder.spoiled).toBe(false);
  });

  it('misses other arguments and any method that is not a read, and says so even if the error is caught', async () => {
    const recorder: Recorder = { reads: emptyReads(), spoiled: false };
    await recording(new Store(), READS, recorder).read(['a']);
    const replay: Replay = { reads: recorder.reads, missed: false };
    const again = replaying<Store>(replay, READS);
    await expect(again.read(['a', 'b'])).rejects.toBeInstanceOf(ReplayMiss);
    expect(replay.missed).toBe(true);
    const other: Replay = { reads: recorder.reads, missed: false };
    expect(() => replaying<Store>(other, READS).write('x')).toThrow(ReplayMiss);
    expect(other.missed).toBe(true);
    // Never taken for a promise.
    expect((replaying<Store>(other, READS) as unknown as { then?: unknown }).then).toBeUndefined();
  });

  it('a write, or a read that failed, spoils the recording', async () => {
    const wrote: Recorder = { reads: emptyReads(), spoiled: false };
    await recording(new Store(), READS, wrote).write('x');
    expect(wrote.spoiled).toBe(true);
    const failed: Recorder = { reads: emptyReads(), spoiled: false };
    await expect(recording(new Store(), READS, failed).broken()).rejects.toThrow('no');
    expect(failed.spoiled).toBe(true);
  });

  it('offers a DuckDB replay exactly the catalog reads DuckDB has', () => {
    const has = [...CATALOG_READS].filter((m) => typeof (DuckDBAdapter.prototype as unknown as Record<string, unknown>)[m] === 'function');
    expect([...DUCKDB_CATALOG_READS]).toEqual(has);
  });
});

describe('recorded reads answered by key', () => {
  const head = (id: string) => ({ id, name: id.split('#')[0], version: 'v1', parents: {} as Record<string, string> });
  const index: StateIndex = {
    snapshots: ['a#1', 'b#1', 'c#1'].map((id) => ({ id, name: id.split('#')[0], version: 'v1', createdAt: 0 })),
    built: [{ name: 'a', version: 'v1', schema: 's', table: 't', builtAt: 1 }],
    intervals: [['a@v1', [{ start: 0, end: 1 }]]],
    autoRestatements: [],
    environments: [],
  };
  const recorded = async () => {
    const recorder: Recorder = { reads: emptyReads(), spoiled: false };
    const state = recording({ getSnapshotHeads: async (ids: string[]) => new Map(ids.filter((i) => i !== 'c#1').map((i) => [i, head(i)])) }, new Set(['getSnapshotHeads']), recorder);
    await state.getSnapshotHeads(['a#1', 'b#1']);
    return { ...recorder.reads, index: indexParts(index) };
  };
  const READ = new Set(['getSnapshotHeads', 'getBuiltTables', 'getIntervals', 'getEnvironment']);
  type Reader = { getSnapshotHeads(ids: string[]): Promise<Map<string, ReturnType<typeof head>>>; getBuiltTables(keys: string[]): Promise<Map<string, unknown>>; getIntervals(keys: string[]): Promise<Map<string, unknown>>; getEnvironment(name: string): Promise<unknown> };

  it('answers other ids from what was read and from the index, and misses ids state has that were never read', async () => {
    const replay: Replay = { reads: await recorded(), missed: false };
    const state = replaying<Reader>(replay, READ);
    expect([...(await state.getSnapshotHeads(['b#1', 'x#9'])).keys()]).toEqual(['b#1']);
    expect([...(await state.getBuiltTables(['a@v1', 'b@v1'])).keys()]).toEqual(['a@v1']);
    expect(await state.getIntervals(['a@v1'])).toEqual(new Map([['a@v1', [{ start: 0, end: 1 }]]]));
    expect(await state.getEnvironment('dev')).toBeUndefined();
    expect(replay.missed).toBe(false);
    await expect(state.getSnapshotHeads(['c#1'])).rejects.toBeInstanceOf(ReplayMiss);
    expect(replay.missed).toBe(true);
  });

  it('never hands out one object twice, even after the first was changed', async () => {
    const state = replaying<Reader>({ reads: await recorded(), missed: false }, READ);
    const first = (await state.getSnapshotHeads(['a#1', 'x#9'])).get('a#1')!;
    first.parents.changed = 'yes';
    const second = (await state.getSnapshotHeads(['a#1', 'y#9'])).get('a#1')!;
    expect(second).not.toBe(first);
    expect(second.parents).toEqual({});
  });

  it('answers a batch read past one chunk whole, in its order, and other ids from the chunks that hold them', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `m${String(999 - i).padStart(4, '0')}#1`);
    const recorder: Recorder = { reads: emptyReads(), spoiled: false };
    const heads = (asked: string[]) => new Map(asked.map((i) => [i, head(i)]));
    await recording({ getSnapshotHeads: async (asked: string[]) => heads(asked) }, new Set(['getSnapshotHeads']), recorder).getSnapshotHeads(ids);
    expect(recorder.spoiled).toBe(false);
    expect(recorder.reads.chunks.size).toBeGreaterThan(1);
    const many: StateIndex = { ...index, snapshots: ids.map((id) => ({ id, name: id.split('#')[0], version: 'v1', createdAt: 0 })) };
    const replay: Replay = { reads: { ...recorder.reads, index: indexParts(many) }, missed: false };
    const state = replaying<Reader>(replay, READ);
    const whole = await state.getSnapshotHeads(ids);
    expect([...whole.keys()]).toEqual(ids);
    expect(whole).toEqual(heads(ids));
    // Ids from several chunks and one state never had, in the order asked.
    const asked = [ids[900], 'new#1', ids[3], ids[500]];
    expect(await state.getSnapshotHeads(asked)).toEqual(heads([ids[900], ids[3], ids[500]]));
    expect(replay.missed).toBe(false);
  });

  it('answers built tables, intervals and environments from the index parts a lookup needs, each answer its own copy', async () => {
    const built = Array.from({ length: 1000 }, (_, i) => ({ name: `m${i}`, version: 'v1', schema: 's', table: `t${i}`, builtAt: i }));
    const env = { name: 'prod', snapshots: { a: 'a#1' }, views: [], createdAt: 0 } as unknown as StateIndex['environments'][number];
    const big: StateIndex = { ...index, built, intervals: built.map((b) => [`${b.name}@v1`, [{ start: b.builtAt, end: b.builtAt + 1 }]]), environments: [env] };
    const parts = indexParts(big);
    expect(parts.built.length).toBeGreaterThan(1);
    const state = replaying<Reader & { listEnvironments(): Promise<unknown[]> }>({ reads: { ...(await recorded()), index: parts }, missed: false }, new Set([...READ, 'listEnvironments']));
    const asked = ['m7@v1', 'm999@v1', 'nope@v1', 'm500@v1'];
    expect([...(await state.getBuiltTables(asked)).keys()]).toEqual(['m7@v1', 'm999@v1', 'm500@v1']);
    expect((await state.getBuiltTables(['m999@v1'])).get('m999@v1')).toEqual(built[999]);
    const first = (await state.getIntervals(['m3@v1'])).get('m3@v1') as { start: number }[];
    first[0].start = -1;
    expect((await state.getIntervals(['m3@v1'])).get('m3@v1')).toEqual([{ start: 3, end: 4 }]);
    expect(await state.getEnvironment('prod')).toEqual(env);
    expect(await state.getEnvironment('dev')).toBeUndefined();
    expect(await state.listEnvironments()).toEqual([env]);
  });

  it('tells an id state holds from one that only contains it or is contained in it', async () => {
    const ids = ['xa#1', 'a#12', 'b#1'];
    const near: StateIndex = { ...index, snapshots: ids.map((id) => ({ id, name: id.split('#')[0], version: 'v1', createdAt: 0 })) };
    const replay: Replay = { reads: { ...(await recorded()), index: indexParts(near) }, missed: false };
    const state = replaying<Reader>(replay, READ);
    // 'a#' and '#1' are parts of ids, no id whole: absent, not a miss; a#12 is held but was never read: a miss.
    expect([...(await state.getSnapshotHeads(['a#', 'b#1', '#1'])).keys()]).toEqual(['b#1']);
    expect(replay.missed).toBe(false);
    await expect(state.getSnapshotHeads(['a#12'])).rejects.toBeInstanceOf(ReplayMiss);
  });

  it('misses ids it cannot look up (empty, holding a NUL), and every unread id when an id of state cannot be joined', async () => {
    const replay: Replay = { reads: await recorded(), missed: false };
    const state = replaying<Reader>(replay, READ);
    await expect(state.getSnapshotHeads([''])).rejects.toBeInstanceOf(ReplayMiss);
    await expect(replaying<Reader>({ reads: await recorded(), missed: false }, READ).getSnapshotHeads(['a\0b'])).rejects.toBeInstanceOf(ReplayMiss);
    const odd: StateIndex = { ...index, snapshots: [...index.snapshots, { id: 'x\0y', name: 'x', version: 'v1', createdAt: 0 } as StateIndex['snapshots'][number]] };
    const parts = indexParts(odd);
    expect(parts.exists).toBeNull();
    const guarded = replaying<Reader>({ reads: { ...(await recorded()), index: parts }, missed: false }, READ);
    // What was read is still answered; an id no recording holds cannot be told absent.
    expect([...(await guarded.getSnapshotHeads(['a#1'])).keys()]).toEqual(['a#1']);
    await expect(guarded.getSnapshotHeads(['x'])).rejects.toBeInstanceOf(ReplayMiss);
  });
});

