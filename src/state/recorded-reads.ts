import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Snapshot } from '../snapshot/snapshot.js';
import { stableStringify } from '../util/stable-json.js';
import { snapshotHead } from './state-database.js';
import { builtKey, type EnvironmentRecord, type PhysicalTableRecord, type SnapshotHead, type SnapshotRef, type StateIndex } from './state-store.js';

/**
 * The reads plans made of state and of the warehouse's catalog, as v8 serialized what
 * each returned the moment it returned (before the plan could change the objects):
 * - `calls`: each call by its method and arguments (hashed);
 * - `heads` / `payloads`: which of those calls read snapshot heads and whole snapshots, so
 *   that a later batch asking other ids is answered id by id from what they returned;
 * - `index`: the StateIndex (which snapshot ids exist, every built table, interval,
 *   auto-restatement and environment), added when the recording is written.
 * Planning is a function of the project, the clocks and these reads, so the same reads of an
 * unchanged warehouse give the same plan (plan-reads-cache.ts says when a warehouse counts as
 * unchanged).
 */
export interface RecordedReads {
  calls: Map<string, Buffer>;
  heads: Set<string>;
  payloads: Set<string>;
  index?: Buffer;
}

export const emptyReads = (): RecordedReads => ({ calls: new Map(), heads: new Set(), payloads: new Set() });

/** A replayed plan asked for a read the recording cannot answer: plan against the warehouse. */
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
          reads.calls.set(key, serialize(result));
          // Kept as call keys, not id by id: a replay that needs no key-by-key answer never decodes them.
          if (prop === 'getSnapshotHeads') reads.heads.add(key);
          if (prop === 'getSnapshots') reads.payloads.add(key);
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
  /** Calls answered key by key, as recorded calls (same form as `reads.calls`): the recording may keep them for the next plan. */
  readonly learned?: Map<string, Buffer>;
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
        if (hit) return deserialize(hit) as unknown;
        keyed ??= keyedAnswers(replay);
        const answer = keyed?.[prop as keyof KeyedAnswers]?.(args[0] as never);
        if (!answer) throw miss(prop);
        // Serialized before the caller can change it, as a recorded call is.
        replay.learned?.set(key, serialize(answer.value));
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
  if (!replay.reads.index) return undefined;
  const index = deserialize(replay.reads.index) as StateIndex;
  const exists = new Set(index.snapshots.map((s) => s.id));
  const built = new Map(index.built.map((b) => [builtKey(b.name, b.version), b]));
  const intervals = new Map(index.intervals);
  const restatements = new Map(index.autoRestatements);
  /**
   * What the recorded calls of one kind returned, by id, decoded afresh for this replay:
   * each value is handed out as decoded the first time, and later as a copy of a second,
   * untouched decoding, so no two answers share an object (a caller may change what it got).
   */
  const returned = <V>(keys: Set<string>) => {
    const decode = () => {
      const out = new Map<string, V>();
      for (const key of keys) for (const [id, v] of deserialize(replay.reads.calls.get(key)!) as Map<string, V>) out.set(id, v);
      return out;
    };
    const first = decode();
    let pristine: Map<string, V> | undefined;
    const given = new Set<string>();
    return {
      peek: (id: string) => (given.has(id) ? (pristine ??= decode()) : first).get(id),
      take: (id: string): V | undefined => {
        if (!given.has(id)) return given.add(id), first.get(id);
        const v = (pristine ??= decode()).get(id);
        return v === undefined ? undefined : structuredClone(v);
      },
    };
  };
  const heads = returned<SnapshotHead>(replay.reads.heads);
  const payloads = returned<Snapshot>(replay.reads.payloads);
  /** Each id's value, absent where state has no such snapshot; undefined if one is neither known nor absent. */
  const byId = <V>(ids: readonly string[], value: (id: string) => V | undefined): Answer<Map<string, V>> => {
    const out = new Map<string, V>();
    for (const id of ids) {
      const v = value(id);
      if (v !== undefined) out.set(id, v);
      else if (exists.has(id)) return undefined;
    }
    return { value: out };
  };
  const pick = <V>(keys: readonly string[], from: Map<string, V>) => ({ value: new Map(keys.flatMap((k) => (from.has(k) ? [[k, structuredClone(from.get(k)!)] as const] : []))) });
  return {
    getSnapshotHeads: (ids) => byId(ids, heads.take),
    getSnapshots: (ids) =>
      byId(ids, (id) => {
        const p = payloads.take(id);
        if (p) return p;
        // A snapshot kept aside is state's only if its head is the one state holds now (a janitor may have removed and re-made that id).
        const h = heads.peek(id);
        const s = h && replay.stored?.(id);
        return s && stableStringify(snapshotHead(s)) === stableStringify(h) ? s : undefined;
      }),
    getBuiltTables: (keys) => pick(keys, built),
    getIntervals: (keys) => pick(keys, intervals),
    getAutoRestatements: (keys) => pick(keys, restatements),
    getEnvironment: (name) => ({ value: structuredClone(index.environments.find((e) => e.name === name)) }),
    listEnvironments: () => ({ value: structuredClone(index.environments) }),
    listSnapshotRefs: () => ({ value: structuredClone(index.snapshots) }),
  };
}
