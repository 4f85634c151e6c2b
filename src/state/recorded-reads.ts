import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { stableStringify } from '../util/stable-json.js';

/**
 * The reads one plan made of state and of the warehouse's catalog: for each call (its
 * method and arguments, hashed) what it returned, as v8 serialized it the moment it
 * returned, before the plan could change the objects. Planning is a function of the
 * project, the clocks and these reads, so the same reads of an unchanged warehouse give
 * the same plan (plan-reads-cache.ts says when a warehouse counts as unchanged).
 */
export type RecordedReads = Map<string, Buffer>;

/** A replayed plan asked for a read the recording does not hold: plan against the warehouse. */
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
          recorder.reads.set(callKey(prop, args), serialize(result));
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
}

/**
 * An object answering the calls named in `methods` from `replay.reads` (a fresh copy each
 * time); a call with other arguments, or any other method, throws ReplayMiss and sets
 * `replay.missed`, so that a caller who caught the error still cannot trust its result.
 * `fixed` holds plain properties to answer with (an engine's dialect).
 */
export function replaying<T extends object>(replay: Replay, methods: ReadonlySet<string>, fixed: Record<string, unknown> = {}): T {
  const miss = (method: string) => {
    replay.missed = true;
    return new ReplayMiss(method);
  };
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
        const hit = replay.reads.get(callKey(prop, args));
        if (!hit) throw miss(prop);
        return deserialize(hit) as unknown;
      };
    },
  });
}
