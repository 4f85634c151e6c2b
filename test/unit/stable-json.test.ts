import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sortKeys, stableStringify } from '../../src/util/stable-json.js';
import { hashOf } from '../../src/util/hash.js';

/** The definition stableStringify's text must keep byte for byte: fingerprints hash it. */
const reference = (value: unknown) => JSON.stringify(sortKeys(value));

describe('stableStringify', () => {
  it('prints what JSON.stringify prints of the sorted copy, for every kind of value', () => {
    const values: unknown[] = [
      null, undefined, true, 0, -0, 1.5, NaN, Infinity, 'a"b\\c\n\u2028\ud800', [], {},
      { b: 1, a: [3, undefined, null, () => 1, Symbol('s')], c: undefined, d: () => 1 },
      { z: { y: { x: [{ b: 2, a: 1 }] } }, 'é': 1, E: 2, _: 3, '': 4 },
      { 10: 'x', 9: 'y', a: 1, '01': 2, '4294967295': 3, '-1': 4 },
      { nested: { 2: 'b', 1: 'a' }, when: new Date(0), map: new Map([[1, 2]]), boxed: new String('ab') },
      [[1, [2, [3]]], { k: [{}] }],
      Object.assign(Object.create(null), { b: 1, a: 2 }),
      new Date(0),
    ];
    for (const v of values) expect(stableStringify(v)).toBe(reference(v));
  });

  it('matches the sorted copy on random nested values', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const keys = ['a', 'b', 'kind', 'Z', '0', '12', 'x_y', 'é', 'name'];
    const gen = (depth: number): unknown => {
      const r = rand(depth ? 8 : 5);
      if (r === 0) return null;
      if (r === 1) return rand(1000) / 7;
      if (r === 2) return `s${rand(50)}"`;
      if (r === 3) return rand(2) === 0;
      if (r === 4) return undefined;
      if (r === 5) return Array.from({ length: rand(4) }, () => gen(depth - 1));
      return Object.fromEntries(Array.from({ length: rand(5) }, () => [keys[rand(keys.length)], gen(depth - 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const v = gen(4);
      expect(stableStringify(v)).toBe(reference(v));
    }
  });
});

describe('hashOf', () => {
  it('hashes each part followed by NUL', () => {
    const byParts = (...parts: string[]) => {
      const h = createHash('sha256');
      for (const p of parts) h.update(p).update('\0');
      return h.digest('hex');
    };
    for (const parts of [[], [''], ['a'], ['ab', 'c'], ['a', 'bc'], ['', '', 'x\0y', 'é']]) expect(hashOf(...parts)).toBe(byParts(...parts));
  });
});
