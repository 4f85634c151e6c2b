import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineAdapter } from '../../src/engine/engine-adapter.js';
import { InputError } from '../../src/errors.js';
import { diffTables } from '../../src/table-diff/diff-tables.js';
import type { DiffSide, TableDiffOptions } from '../../src/table-diff/types.js';
import { createFixture, referenceDiff, type FixtureTable, type Rec, type ReferenceColumn } from './table-diff-reference.js';

/** An engine with a schema of its own for one test file, and how to remove both. */
export interface SuiteEngine {
  engine: EngineAdapter;
  schema: string;
  cleanup(): Promise<void>;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Main fixture: rows removed (1, 2), added (41..45), changed in one or more columns, NULLs on
// one or both sides, floats and decimals changed below (equal) and above (different) the
// 3-decimal tolerance, a column only on each side, and two columns whose type changed.
const mainA: FixtureTable = {
  columns: [
    { name: 'id', type: 'INTEGER' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'qty', type: 'INTEGER' },
    { name: 'price', type: 'FLOAT8' },
    { name: 'amount', type: 'DECIMAL(12,4)' },
    { name: 'note', type: 'VARCHAR' },
    { name: 'code', type: 'VARCHAR' },
    { name: 'only_a', type: 'INTEGER' },
  ],
  rows: range(1, 40).map((id) => ({
    id,
    name: `n${id}`,
    qty: id * 2,
    price: id * 1.25,
    amount: id * 0.5,
    note: id % 6 === 0 ? null : `note${id}`,
    code: id % 9 === 0 ? `0${id}` : String(id),
    only_a: id,
  })),
};
const mainB: FixtureTable = {
  columns: [
    { name: 'id', type: 'INTEGER' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'qty', type: 'BIGINT' },
    { name: 'price', type: 'FLOAT8' },
    { name: 'amount', type: 'DECIMAL(12,4)' },
    { name: 'note', type: 'VARCHAR' },
    { name: 'code', type: 'INTEGER' },
    { name: 'only_b', type: 'VARCHAR' },
  ],
  rows: range(3, 45).map((id) => ({
    id,
    name: id % 5 === 0 ? `n${id}x` : `n${id}`,
    qty: id * 2 + (id % 7 === 0 ? 1 : 0),
    price: id * 1.25 + (id % 3 === 0 ? 0.0001 : 0) + (id % 7 === 0 ? 0.01 : 0),
    amount: id * 0.5 + (id % 4 === 0 ? 0.0002 : 0) + (id % 11 === 0 ? 0.5 : 0),
    note: id % 12 === 0 ? 'x' : id % 6 === 0 || id % 13 === 0 ? null : `note${id}`,
    code: id,
    only_b: 'b',
  })),
};
const mainColumns: ReferenceColumn[] = [
  { name: 'name' },
  { name: 'qty' },
  { name: 'price', rounded: true },
  { name: 'amount', rounded: true },
  { name: 'note' },
  { name: 'code', text: true },
];

const pairA: FixtureTable = {
  columns: [
    { name: 'region', type: 'VARCHAR' },
    { name: 'day', type: 'INTEGER' },
    { name: 'value', type: 'FLOAT8' },
    { name: 'label', type: 'VARCHAR' },
  ],
  rows: ['eu', 'us'].flatMap((region) => range(1, 10).map((day) => ({ region, day, value: day * 1.5, label: `${region}${day}` }))),
};
const pairB: FixtureTable = {
  columns: pairA.columns,
  rows: [
    ...pairA.rows
      .filter((r) => !(r.region === 'us' && r.day === 10))
      .map((r) => {
        if (r.region === 'eu' && r.day === 5) return { ...r, value: Number(r.value) + 1 };
        if (r.region === 'us' && r.day === 3) return { ...r, label: 'changed' };
        if (r.region === 'us' && r.day === 4) return { ...r, value: Number(r.value) + 0.0002 };
        return r;
      }),
    { region: 'ap', day: 1, value: 1.5, label: 'ap1' },
    { region: 'eu', day: 11, value: 16.5, label: 'eu11' },
  ],
};

const kv = (rows: [number | null, string][]): FixtureTable => ({
  columns: [
    { name: 'id', type: 'INTEGER' },
    { name: 'v', type: 'VARCHAR' },
  ],
  rows: rows.map(([id, v]) => ({ id, v })),
});
const base = range(1, 10).map((id): [number, string] => [id, `v${id}`]);
// Duplicates on both sides: matched (3 in A, 5 in B) and unmatched (20 in A).
const dupA = kv([...base, [3, 'v3'], [3, 'other'], [20, 'a'], [20, 'b']]);
const dupB = kv([...base, [5, 'v5'], [5, 'z'], [30, 'q']]);
// A duplicate only on a key the other side lacks: the join alone cannot see it.
const unmatchedDupA = kv([...base.slice(0, 5), [20, 'a'], [20, 'b']]);
const unmatchedDupB = kv(base.slice(0, 5));
const nullA = kv([...base.slice(0, 5), [null, 'n1']]);
const nullB = kv([...base.slice(0, 5).map(([id, v]): [number, string] => [id, id === 2 ? 'changed' : v]), [null, 'n1'], [null, 'n2']]);

/** The table-diff acceptance suite, run against one real engine. */
export function tableDiffSuite(engineName: string, open: () => Promise<SuiteEngine>): void {
  describe(`table-diff on ${engineName}`, () => {
    let s: SuiteEngine;
    const side = (label: string, table: string): DiffSide => ({ label, table: { schema: s.schema, table } });
    const diff = (a: string, b: string, options: TableDiffOptions) => diffTables(s.engine, side('a', a), side('b', b), options);

    beforeAll(async () => {
      s = await open();
      const fixtures: [string, FixtureTable][] = [
        ['main_a', mainA],
        ['main_b', mainB],
        ['main_copy', mainA],
        ['pair_a', pairA],
        ['pair_b', pairB],
        ['dup_a', dupA],
        ['dup_b', dupB],
        ['udup_a', unmatchedDupA],
        ['udup_b', unmatchedDupB],
        ['null_a', nullA],
        ['null_b', nullB],
      ];
      for (const [name, table] of fixtures) await createFixture(s.engine, { schema: s.schema, table: name }, table);
    });
    afterAll(async () => s?.cleanup());

    it('counts rows only in A, only in B, identical and different, and per-column equality, as computed independently', async () => {
      const result = await diff('main_a', 'main_b', { on: ['id'] });
      const expected = referenceDiff(mainA.rows, mainB.rows, ['id'], mainColumns);
      expect(result.rows).toEqual(expected.rows);
      expect(result.keys).toEqual(expected.keys);
      // The fixture really exercises both sides of the tolerance and of NULL handling.
      const byName = Object.fromEntries(result.rows!.columns.map((c) => [c.name, c]));
      expect(byName.price.different).toBe(mainB.rows.filter((r) => Number(r.id) <= 40 && Number(r.id) % 7 === 0).length);
      expect(byName.amount.different).toBe(3);
      expect(byName.note.different).toBe(6);
      expect(byName.code.different).toBe(4);
      expect(result.rows!.onlyInA).toBe(2);
      expect(result.rows!.onlyInB).toBe(5);
      expect(result.a.rows).toBe(40);
      expect(result.b.rows).toBe(43);
      expect(result.refused).toBeNull();
      expect(result.samples).toBeNull();
    });

    it('reports added, removed and retyped columns', async () => {
      const { schema } = await diff('main_a', 'main_b', { on: ['id'] });
      expect(schema.added.map((c) => c.name)).toEqual(['only_a']);
      expect(schema.removed.map((c) => c.name)).toEqual(['only_b']);
      expect(schema.typeChanged.map((c) => [c.name, c.a.toLowerCase(), c.b.toLowerCase()])).toEqual([
        ['qty', 'integer', 'bigint'],
        ['code', expect.stringMatching(/^(varchar|character varying)/), 'integer'],
      ]);
      expect(schema.compared).toEqual(mainColumns.map((c) => c.name));
    });

    it('fetches samples in key order, limited, with the differing columns named', async () => {
      const result = await diff('main_a', 'main_b', { on: ['id'], samples: true, limit: 3 });
      const samples = result.samples!;
      expect(samples.onlyInA.map((r) => Number(r.id))).toEqual([1, 2]);
      expect(Object.keys(samples.onlyInA[0])).toEqual(['id', 'name', 'qty', 'price', 'amount', 'note', 'code', 'only_a']);
      expect(samples.onlyInB.map((r) => Number(r.id))).toEqual([41, 42, 43]);
      expect(Object.keys(samples.onlyInB[0])).toContain('only_b');
      // First differing ids by the reference rules: 5 (name), 7 (qty, price), 9 (code).
      expect(samples.different.map((d) => [Number(d.key.id), d.differing])).toEqual([
        [5, ['name']],
        [7, ['qty', 'price']],
        [9, ['code']],
      ]);
      expect(samples.different[0].a.name).toBe('n5');
      expect(samples.different[0].b.name).toBe('n5x');
    });

    it('reports 100% and no samples for identical tables', async () => {
      const result = await diff('main_a', 'main_copy', { on: ['id'], samples: true });
      const rows = result.rows!;
      expect(rows).toMatchObject({ onlyInA: 0, onlyInB: 0, matched: 40, identical: 40, different: 0 });
      expect(rows.columns.every((c) => c.rate === 1 && c.different === 0)).toBe(true);
      expect(result.samples).toEqual({ onlyInA: [], onlyInB: [], different: [] });
      expect(result.schema).toMatchObject({ added: [], removed: [], typeChanged: [] });
    });

    it('joins on a two-column key', async () => {
      const result = await diff('pair_a', 'pair_b', { on: ['region', 'day'], samples: true });
      const expected = referenceDiff(pairA.rows, pairB.rows, ['region', 'day'], [{ name: 'value', rounded: true }, { name: 'label' }]);
      expect(result.rows).toEqual(expected.rows);
      expect(result.rows).toMatchObject({ onlyInA: 1, onlyInB: 2, matched: 19, different: 2 });
      expect(result.samples!.onlyInB.map((r) => `${r.region}${r.day}`)).toEqual(['ap1', 'eu11']);
      expect(result.samples!.different.map((d) => `${d.key.region}${d.key.day}:${d.differing}`)).toEqual(['eu5:value', 'us3:label']);
    });

    it('counts duplicate keys and refuses the match rate unless allowed', async () => {
      const refused = await diff('dup_a', 'dup_b', { on: ['id'] });
      const expected = referenceDiff(dupA.rows, dupB.rows, ['id'], [{ name: 'v' }]);
      expect(refused.keys).toEqual(expected.keys);
      expect(refused.keys.a).toMatchObject({ duplicateKeys: 2, duplicateRows: 5 });
      expect(refused.keys.b).toMatchObject({ duplicateKeys: 1, duplicateRows: 3 });
      expect(refused.rows).toBeNull();
      expect(refused.refused).toMatch(/a has 2 duplicate keys \(5 rows\); b has 1 duplicate key \(3 rows\)/);

      const allowed = await diff('dup_a', 'dup_b', { on: ['id'], allowDuplicateKeys: true });
      expect(allowed.rows).toEqual(expected.rows);
      expect(allowed.refused).toBeNull();
    });

    it('detects a duplicate key that only one side has', async () => {
      const result = await diff('udup_a', 'udup_b', { on: ['id'] });
      expect(result.keys.a).toMatchObject({ duplicateKeys: 1, duplicateRows: 2 });
      expect(result.keys.b).toMatchObject({ duplicateKeys: 0, duplicateRows: 0 });
      expect(result.rows).toBeNull();
    });

    it('counts NULL keys, refuses, and leaves those rows out when allowed', async () => {
      const refused = await diff('null_a', 'null_b', { on: ['id'] });
      const expected = referenceDiff(nullA.rows, nullB.rows, ['id'], [{ name: 'v' }]);
      expect(refused.keys).toEqual(expected.keys);
      expect([refused.keys.a.nullKeyRows, refused.keys.b.nullKeyRows]).toEqual([1, 2]);
      expect(refused.rows).toBeNull();
      const allowed = await diff('null_a', 'null_b', { on: ['id'], allowDuplicateKeys: true });
      expect(allowed.rows).toEqual(expected.rows);
      expect(allowed.rows).toMatchObject({ onlyInA: 0, onlyInB: 0, matched: 5, different: 1 });
    });

    it('applies --where to both sides', async () => {
      const where = "id <= 20 AND name <> 'n4'";
      const keep = (r: Rec) => Number(r.id) <= 20 && r.name !== 'n4';
      const result = await diff('main_a', 'main_b', { on: ['id'], where });
      const expected = referenceDiff(mainA.rows.filter(keep), mainB.rows.filter(keep), ['id'], mainColumns);
      expect(result.rows).toEqual(expected.rows);
      expect([result.a.rows, result.b.rows]).toEqual([19, 17]);
      expect(result.where).toBe(where);
    });

    it('leaves skipped columns out and honors --decimals', async () => {
      const skipped = await diff('main_a', 'main_b', { on: ['id'], skipColumns: ['note', 'code'] });
      const expected = referenceDiff(mainA.rows, mainB.rows, ['id'], mainColumns.slice(0, 4));
      expect(skipped.rows).toEqual(expected.rows);
      expect(skipped.schema.skipped).toEqual(['note', 'code']);
      // With 1 decimal, the +0.01 price changes round away.
      const coarse = await diff('main_a', 'main_b', { on: ['id'], decimals: 1 });
      const price = coarse.rows!.columns.find((c) => c.name === 'price')!;
      expect(coarse.decimals).toBe(1);
      expect(price.different).toBe(referenceDiff(mainA.rows, mainB.rows, ['id'], [{ name: 'price', rounded: true }], 1).rows.columns[0].different);
      expect(price.different).toBe(0);
    });

    it('rejects bad keys, skipped keys and --where that is not one expression, with InputError', async () => {
      const rejects = async (options: TableDiffOptions, pattern: RegExp) => {
        const err = await diff('main_a', 'main_b', options).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.message).toMatch(pattern);
      };
      await rejects({ on: ['nope'] }, /key column 'nope' is not in a's table/);
      await rejects({ on: ['only_a'] }, /key column 'only_a' is not in b's table/);
      await rejects({ on: ['id'], skipColumns: ['id'] }, /cannot be skipped/);
      await rejects({ on: ['id'], skipColumns: ['typo'] }, /column 'typo' is in neither/);
      await rejects({ on: ['id'], where: '1=1; DROP TABLE main_a' }, /single SQL expression|does not parse/);
      await rejects({ on: ['id'], where: 'id > 1) UNION SELECT (1' }, /single SQL expression/);
      await rejects({ on: ['id'], where: 'no_such_column > 1' }, /--where cannot be applied/);
      await rejects({ on: ['id'], decimals: -1 }, /--decimals must be a whole number/);
      // Nothing was dropped by the rejected --where.
      expect((await diff('main_a', 'main_copy', { on: ['id'] })).rows!.identical).toBe(40);
    });
  });
}
