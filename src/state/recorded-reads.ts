import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Snapshot } from '../snapshot/snapshot.js';
import { stableStringify } from '../util/stable-json.js';
import { snapshotHead } from './state-database.js';
import { builtKey, type EnvironmentRecord, type PhysicalTableRecord, type SnapshotHead, type SnapshotRef, type StateIndex } from './state-store.js';

/**
 * The reads plans made of state and of the warehouse's catalog, as v8 serialized what
 * each returned the moment it returned (before the plan could change the objects):
 * - `calls`: each call by its method and arguments (hashed): its result, or for the batch
 *   reads by snapshot id (heads, payloads) how many chunks of `chunks` hold it;
 * - `chunks`: those results in pieces of up to CHUNK ids, under `${call}:${i}`, each with
 *   its ids: a plan asking other ids (a changed model, a new environment) decodes only the
 *   pieces holding the ids it asks, and a whole hit decodes them all, as it would one result;
 * - `heads` / `payloads`: which calls read snapshot heads and whole snapshots;
 * - `index`: the StateIndex in parts (which snapshot ids exist, every built table, interval,
 *   auto-restatement and environment), added when the recording is written, each decoded
 *   only by a read that needs it.
 * Planning is a function of the project, the clocks and these reads, so the same reads of an
 * unchanged warehouse give the same plan (plan-reads-cache.ts says when a warehouse counts as
 * unchanged).
 */
export interface RecordedReads {
  calls: Map<string, Buffer | number>;
  chunks: Map<string, Chunk>;
  heads: Set<string>;
  payloads: Set<string>;
  index?: IndexParts;
}

/** Part of a batch read's result: its ids joined by NUL (one string decodes at once), and the Map of them serialized. */
export interface Chunk {
  ids: string;
  bytes: Buffer;
}

/**
 * The StateIndex, in parts a read decodes alone: `exists` is every snapshot id joined by
 * NUL (null if one cannot be: empty, or holding a NUL); the keyed parts are in buckets by their key's hash, so that the lookup of a few
 * keys decodes a few buckets; each environment is serialized alone, by name.
 */
export interface IndexParts {
  exists: string | null;
  snapshots: Buffer;
  built: Buckets;
  intervals: Buckets;
  autoRestatements: Buckets;
  environments: { names: string[]; records: Buffer[] };
}

/** Entries by key in buckets: bucket i holds, serialized as [key, value][], the keys whose bucketOf is i. */
export type Buckets = Buffer[];

/** The most ids in one chunk, and about the most keys in one bucket: a key-by-key answer decodes whole ones (about 160 KB of heads). */
const CHUNK = 256;

/** A key's bucket among `count` (FNV-1a over its UTF-16 units): the same key always lands in the same one. */
function bucketOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}

function inBuckets<V>(entries: readonly (readonly [string, V])[]): Buckets {
  const buckets: [string, V][][] = Array.from({ length: Math.max(1, Math.ceil(entries.length / CHUNK)) }, () => []);
  for (const [key, value] of entries) buckets[bucketOf(key, buckets.length)].push([key, value]);
  return buckets.map((b) => serialize(b));
}

/** The batch reads by snapshot id, recorded in chunks. */
const BY_ID = new Map<string, 'heads' | 'payloads'>([
  ['getSnapshotHeads', 'heads'],
  ['getSnapshots', 'payloads'],
]);

export const emptyReads = (): RecordedReads => ({ calls: new Map(), chunks: new Map(), heads: new Set(), payloads: new Set() });

export function indexParts(index: StateIndex): IndexParts {
  const ids = index.snapshots.map((s) => s.id);
  return {
    // Ids that cannot be joined leave no list: then no answer by id can tell an absent snapshot, and every one misses.
    exists: ids.every(joinable) ? ids.join('\0') : null,
    snapshots: serialize(index.snapshots),
    built: inBuckets(index.built.map((b) => [builtKey(b.name, b.version), b] as const)),
    intervals: inBuckets(index.intervals),
    autoRestatements: inBuckets(index.autoRestatements),
    environments: { names: index.environments.map((e) => e.name), records: index.environments.map((e) => serialize(e)) },
  };
}

/** Whether an id can be joined with others by NUL and found again. */
const joinable = (id: unknown): id is string => typeof id === 'string' && id !== '' && !id.includes('\0');

/** Whether `joined` (ids joined by NUL) holds `id` whole. */
function holdsId(joined: string, id: string): boolean {
  if (!id) return false;
  for (let at = joined.indexOf(id); at >= 0; at = joined.indexOf(id, at + 1)) {
    const end = at + id.length;
    if ((at === 0 || joined[at - 1] === '\0') && (end === joined.length || joined[end] === '\0')) return true;
  }
  return false;
}

/** A plan asked for a read the recording cannot answer: plan against the warehouse. */
export class ReplayMiss extends Error {
  constructor(method: string) {
    super(`no recorded result for ${method}`);
    this.name = 'ReplayMiss';
  }
}

function callKey(method: string, args: readonly unknown[]): string {
  return createHash('sha256').update(method).update('\0').update(stableStringify(args)).digest('base64url');
}

/** Where a recording stands: reads still being added, or spoiled by a read that failed or a call that is not a read. */
export interface Recorder {
  readonly reads: RecordedReads;
  spoiled: boolean;
}

/** Records a batch read's result (a Map by id) in chunks; false where an id could not be joined. */
function recordChunks(reads: RecordedReads, key: string, result: Map<string, unknown>): boolean {
  const entries = [...result];
  if (!entries.every(([id]) => joinable(id))) return false;
  let n = 0;
  for (let at = 0; at < entries.length; at += CHUNK, n++) {
    const part = entries.slice(at, at + CHUNK);
    reads.chunks.set(`${key}:${n}`, { ids: part.map(([id]) => id).join('\0'), bytes: serialize(new Map(part)) });
  }
  reads.calls.set(key, n);
  return true;
}

/**
 * `target` with the calls named in `methods` recorded into `recorder`; any other method
 * spoils the recording (a plan that wrote, or used something not recorded, cannot be replayed).
 */
export function recording<T extends object>(target: T, methods: ReadonlySet<string>, recorder: Recorder): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      if (!methods.has(prop)) {
        return (...args: unknown[]) => {
          recorder.spoiled = true;
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      }
      return async (...args: unknown[]) => {
        try {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
          const { reads } = recorder;
          const key = callKey(prop, args);
          const byId = BY_ID.get(prop);
          if (!byId) reads.calls.set(key, serialize(result));
          else if (result instanceof Map && recordChunks(reads, key, result)) reads[byId].add(key);
          else recorder.spoiled = true;
          return result;
        } catch (err) {
          recorder.spoiled = true;
          throw err;
        }
      };
    },
  });
}

/** Recorded reads being answered from; `missed` is set by the first call they cannot answer. */
export interface Replay {
  readonly reads: RecordedReads;
  missed: boolean;
  /** Whole snapshots kept outside the recording (plan-reads-cache.ts), used only where their head is the recorded one. */
  readonly stored?: (id: string) => Snapshot | undefined;
}

/** A chunk decoded: its Map by id. */
const decodeChunk = <V>(chunk: Chunk) => deserialize(chunk.bytes) as Map<string, V>;

/** A chunked call's whole result, decoded afresh, in its order. */
function wholeCall(reads: RecordedReads, key: string, count: number): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (let i = 0; i < count; i++) for (const [id, v] of decodeChunk(reads.chunks.get(`${key}:${i}`)!)) out.set(id, v);
  return out;
}

/**
 * An object answering the calls named in `methods` from `replay.reads`, a fresh copy each
 * time: the call as recorded if it was, else (batch reads, environments) from what was
 * recorded id by id and from the index; what it cannot answer throws ReplayMiss and sets
 * `replay.missed`, so that a caller who caught the error still cannot trust its result.
 * `fixed` holds plain properties to answer with (an engine's dialect).
 */
export function replaying<T extends object>(replay: Replay, methods: ReadonlySet<string>, fixed: Record<string, unknown> = {}): T {
  const miss = (method: string) => {
    replay.missed = true;
    return new ReplayMiss(method);
  };
  let keyed: KeyedAnswers | undefined;
  return new Proxy({} as T, {
    get(_t, prop) {
      if (typeof prop !== 'string') return undefined;
      if (prop in fixed) return fixed[prop];
      // Never thenable: an async function may return this object.
      if (prop === 'then') return undefined;
      if (!methods.has(prop)) {
        return () => {
          throw miss(prop);
        };
      }
      return async (...args: unknown[]) => {
        const key = callKey(prop, args);
        const hit = replay.reads.calls.get(key);
        if (typeof hit === 'number') return wholeCall(replay.reads, key, hit);
        if (hit) return deserialize(hit) as unknown;
        keyed ??= keyedAnswers(replay);
        const answer = keyed?.[prop as keyof KeyedAnswers]?.(args[0] as never);
        if (!answer) throw miss(prop);
        return answer.value;
      };
    },
  });
}

/** An answer, or undefined where the recording cannot give one (a miss). */
type Answer<T> = { value: T } | undefined;

/** Answers, where they can, the reads that go by key. */
interface KeyedAnswers {
  getSnapshotHeads(ids: readonly string[]): Answer<Map<string, SnapshotHead>>;
  getSnapshots(ids: readonly string[]): Answer<Map<string, Snapshot>>;
  getBuiltTables(keys: readonly string[]): Answer<Map<string, PhysicalTableRecord>>;
  getIntervals(keys: readonly string[]): Answer<Map<string, unknown>>;
  getAutoRestatements(keys: readonly string[]): Answer<Map<string, number>>;
  getEnvironment(name: string): Answer<EnvironmentRecord | undefined>;
  listEnvironments(): Answer<EnvironmentRecord[]>;
  listSnapshotRefs(): Answer<SnapshotRef[]>;
}

function keyedAnswers(replay: Replay): KeyedAnswers | undefined {
  const { reads } = replay;
  const parts = reads.index;
  if (!parts) return undefined;
  /**
   * Whether state holds this snapshot id, and which chunk of `chunks` holds an id (the
   * first that does): the first few asked are searched for in the joined ids, after which
   * the ids are split once into a Set or Map (a dev plan asks of a few ids, a no-op plan of none).
   */
  let exists: Set<string> | undefined;
  let searched = 0;
  const known = parts.exists;
  const inState = (id: string) => known === null || !joinable(id) || (exists || ++searched > 16 ? (exists ??= new Set(known.split('\0'))).has(id) : holdsId(known, id));
  const chunksOf = (keys: Set<string>) => {
    const out: string[] = [];
    for (const key of keys) for (let i = 0; i < (reads.calls.get(key) as number); i++) out.push(`${key}:${i}`);
    return out;
  };
  const locator = (chunks: readonly string[]) => {
    let where: Map<string, string> | undefined;
    let asked = 0;
    return (id: string) => {
      if (!where && ++asked <= 16) return chunks.find((at) => holdsId(reads.chunks.get(at)!.ids, id));
      if (!where) {
        where = new Map();
        for (const at of chunks) for (const held of reads.chunks.get(at)!.ids.split('\0')) if (!where.has(held)) where.set(held, at);
      }
      return where.get(id);
    };
  };
  /**
   * What the calls `keys` returned, by id, for one answer of `asked` ids. Chunks are
   * decoded afresh for each answer and shared only within it, so no two answers share an
   * object (a caller may change what it got). An answer asking about as many ids as were
   * recorded (a dev plan's, which differs from the recorded no-op plan's by the few ids an
   * edit changed) decodes them all at once, as a recorded call would be; a smaller one
   * decodes only the chunks holding what it asks.
   */
  const recorded = <V>(keys: Set<string>) => {
    const chunks = chunksOf(keys);
    const locate = locator(chunks);
    return (asked: number) => {
      if (asked * 4 >= chunks.length * CHUNK) {
        let all: Map<string, V> | undefined;
        return (id: string): V | undefined => {
          if (!all) {
            all = new Map();
            for (const at of chunks) for (const [held, v] of decodeChunk<V>(reads.chunks.get(at)!)) if (!all.has(held)) all.set(held, v);
          }
          return all.get(id);
        };
      }
      const decoded = new Map<string, Map<string, V>>();
      return (id: string): V | undefined => {
        const at = locate(id);
        if (!at) return undefined;
        let chunk = decoded.get(at);
        if (!chunk) decoded.set(at, (chunk = decodeChunk<V>(reads.chunks.get(at)!)));
        return chunk.get(id);
      };
    };
  };
  const heads = recorded<SnapshotHead>(reads.heads);
  const payloads = recorded<Snapshot>(reads.payloads);
  /** Each id's value, absent where state has no such snapshot; undefined if one is neither known nor absent. */
  const byId = <V>(ids: readonly string[], value: (id: string) => V | undefined): Answer<Map<string, V>> => {
    const out = new Map<string, V>();
    for (const id of ids) {
      const v = value(id);
      if (v !== undefined) out.set(id, v);
      else if (inState(id)) return undefined;
    }
    return { value: out };
  };
  /** The values of `keys` in `buckets`; each answer decodes the buckets it needs afresh, so no two share an object. */
  const keyed =
    <V>(buckets: Buckets) =>
    (keys: readonly string[]) => {
      const decoded = new Map<number, Map<string, V>>();
      const out = new Map<string, V>();
      for (const key of keys) {
        const at = bucketOf(key, buckets.length);
        let bucket = decoded.get(at);
        if (!bucket) decoded.set(at, (bucket = new Map(deserialize(buckets[at]) as [string, V][])));
        if (bucket.has(key)) out.set(key, bucket.get(key)!);
      }
      return { value: out };
    };
  const environment = (name: string) => {
    const at = parts.environments.names.indexOf(name);
    return at < 0 ? undefined : (deserialize(parts.environments.records[at]) as EnvironmentRecord);
  };
  return {
    getSnapshotHeads: (ids) => byId(ids, heads(ids.length)),
    getSnapshots: (ids) => {
      const payload = payloads(ids.length);
      const head = heads(ids.length);
      return byId(ids, (id) => {
        const p = payload(id);
        if (p) return p;
        // A snapshot kept aside is state's only if its head is the one state holds now (a janitor may have removed and re-made that id).
        const h = head(id);
        const s = h && replay.stored?.(id);
        return s && stableStringify(snapshotHead(s)) === stableStringify(h) ? s : undefined;
      });
    },
    getBuiltTables: keyed<PhysicalTableRecord>(parts.built),
    getIntervals: keyed<unknown>(parts.intervals),
    getAutoRestatements: keyed<number>(parts.autoRestatements),
    getEnvironment: (name) => ({ value: environment(name) }),
    listEnvironments: () => ({ value: parts.environments.records.map((r) => deserialize(r) as EnvironmentRecord) }),
    listSnapshotRefs: () => ({ value: deserialize(parts.snapshots) as SnapshotRef[] }),
  };
}
