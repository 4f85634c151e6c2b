import type { EngineAdapter } from '../../src/engine/engine-adapter.js';
import { quoteIdent, quoteLiteral, quoteTable, type TableName } from '../../src/util/identifiers.js';

/** A fixture row: column name -> value (number, string or null). */
export type Rec = Record<string, number | string | null>;

export interface FixtureTable {
  columns: { name: string; type: string }[];
  rows: Rec[];
}

/** Creates a fixture table from JS rows, so the same data feeds the engine and the reference. */
export async function createFixture(engine: EngineAdapter, name: TableName, table: FixtureTable): Promise<void> {
  await engine.createSchema(name.schema);
  await engine.execute(`CREATE TABLE ${quoteTable(name)} (${table.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
  if (!table.rows.length) return;
  const literal = (v: Rec[string]) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : quoteLiteral(v));
  const values = table.rows.map((r) => `(${table.columns.map((c) => literal(r[c.name] ?? null)).join(', ')})`);
  await engine.execute(`INSERT INTO ${quoteTable(name)} VALUES ${values.join(', ')}`);
}

export interface ReferenceColumn {
  name: string;
  /** Compare after rounding to `decimals` (float and fine decimal columns). */
  rounded?: boolean;
  /** Compare as text (columns whose type differs between the sides). */
  text?: boolean;
}

/**
 * The diff computed independently in plain JS, with a nested loop over the rows: what
 * every count of the engine's diff must equal.
 */
export function referenceDiff(a: Rec[], b: Rec[], keys: string[], columns: ReferenceColumn[], decimals = 3) {
  const hasNullKey = (r: Rec) => keys.some((k) => r[k] === null);
  const sameKey = (x: Rec, y: Rec) => keys.every((k) => String(x[k]) === String(y[k]));
  const stats = (rows: Rec[]) => {
    const groups = new Map<string, number>();
    for (const r of rows.filter((r) => !hasNullKey(r))) {
      const k = JSON.stringify(keys.map((c) => String(r[c])));
      groups.set(k, (groups.get(k) ?? 0) + 1);
    }
    const dups = [...groups.values()].filter((n) => n > 1);
    return { rows: rows.length, nullKeyRows: rows.filter(hasNullKey).length, duplicateKeys: dups.length, duplicateRows: dups.reduce((s, n) => s + n, 0) };
  };
  const equal = (x: Rec[string], y: Rec[string], c: ReferenceColumn) => {
    if (x === null || y === null) return x === y;
    if (c.rounded) return Math.round(Number(x) * 10 ** decimals) === Math.round(Number(y) * 10 ** decimals);
    return c.text ? String(x) === String(y) : x === y;
  };
  const A = a.filter((r) => !hasNullKey(r));
  const B = b.filter((r) => !hasNullKey(r));
  let onlyInA = 0;
  let matched = 0;
  let identical = 0;
  const eq = columns.map(() => 0);
  for (const x of A) {
    const matches = B.filter((y) => sameKey(x, y));
    if (!matches.length) onlyInA++;
    for (const y of matches) {
      matched++;
      const flags = columns.map((c) => equal(x[c.name], y[c.name], c));
      flags.forEach((f, i) => (eq[i] += f ? 1 : 0));
      if (flags.every(Boolean)) identical++;
    }
  }
  const onlyInB = B.filter((y) => !A.some((x) => sameKey(x, y))).length;
  return {
    keys: { a: stats(a), b: stats(b) },
    rows: {
      onlyInA,
      onlyInB,
      matched,
      identical,
      different: matched - identical,
      columns: columns.map((c, i) => ({ name: c.name, equal: eq[i], different: matched - eq[i], rate: matched ? eq[i] / matched : null, rounded: Boolean(c.rounded) })),
    },
  };
}
