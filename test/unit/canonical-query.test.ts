import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/config/types.js';
import { canonicalQuery } from '../../src/model/canonical-query.js';
import { parseByDialect } from '../../src/model/load-project.js';
import { findMacros, placeholderQuery } from '../../src/model/macros.js';
import { analyzeQuery } from '../../src/model/query-analysis.js';

const DIALECTS: Dialect[] = ['duckdb', 'postgres'];

/** The canonical hashes of each query, parsed with `dialect`'s parser (macros as placeholders). */
async function shapes(dialect: Dialect, queries: string[]) {
  const templates = queries.map((q) => placeholderQuery(q, findMacros(q)));
  const outcomes = await parseByDialect(templates.map(() => dialect), templates);
  return outcomes.map((o, i) => {
    if (!o.ok) throw new Error(`${dialect} does not parse ${queries[i]}: ${o.message}`);
    return analyzeQuery(o.tree, templates[i]).shape;
  });
}

const BASE = `SELECT o.id, sum(o.amount) AS total FROM shop.orders AS o WHERE o.status = 'paid' GROUP BY o.id`;

describe.each(DIALECTS)('the canonical form (%s parser)', (dialect) => {
  it('does not change with formatting, comments or keyword case', async () => {
    const [a, b, c] = await shapes(dialect, [
      BASE,
      `-- totals\nselect   o.id,\n  SUM(o.amount) as total /* money */\nfrom shop.orders as o\nwhere o.status = 'paid'\ngroup   by o.id`,
      `SELECT o.id, Sum(o.amount) AS total FROM shop.orders o WHERE (o.status = 'paid') GROUP BY o.id`,
    ]);
    expect(b.astHash).toBe(a.astHash);
    expect(c.astHash).toBe(a.astHash);
    expect(b.projections.map((p) => p.hash)).toEqual(a.projections.map((p) => p.hash));
    expect(b.bodyHash).toBe(a.bodyHash);
  });

  it('changes with every semantic change', async () => {
    const variants = [
      BASE,
      BASE.replace("'paid'", "'refunded'"),
      BASE.replace('o.amount', 'o.net_amount'),
      BASE.replace('sum(', 'max('),
      BASE.replace('AS total', 'AS amount_total'),
      BASE.replace('shop.orders', 'shop.orders_v2'),
      BASE.replace("o.status = 'paid'", "o.status <> 'paid'"),
      BASE.replace('GROUP BY o.id', 'GROUP BY o.id HAVING count(*) > 1'),
      BASE.replace('FROM shop.orders AS o', 'FROM shop.orders AS o JOIN shop.customers AS c ON c.id = o.id'),
      BASE.replace('SELECT', 'SELECT DISTINCT'),
      `${BASE} ORDER BY o.id`,
      `${BASE} LIMIT 10`,
    ];
    const hashes = (await shapes(dialect, variants)).map((s) => s.astHash);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('keeps a projection hash when only another projection is added, for categorization', async () => {
    const [a, b] = await shapes(dialect, [BASE, BASE.replace('AS total', 'AS total, count(*) AS n')]);
    expect(b.bodyHash).toBe(a.bodyHash);
    expect(b.projections.slice(0, 2).map((p) => p.hash)).toEqual(a.projections.map((p) => p.hash));
    expect(b.projections[2]).toMatchObject({ aggregate: true });
  });

  it('parses macros as placeholders, where a value and where a table goes', async () => {
    const [a, b] = await shapes(dialect, [
      `SELECT * FROM shop.orders WHERE ts >= @start_ds AND ts < @end_ds AND region = @VAR('region', 'eu')`,
      `SELECT max(ts) AS last_ts FROM @this_model`,
    ]);
    expect(a.columns).toBeNull();
    expect(b.columns).toEqual(['last_ts']);
  });
});

describe('the canonical form rules', () => {
  it('drops positions, empty fields and key order, and keeps everything else', () => {
    const tree = { type: 'SELECT_NODE', query_location: 7, where_clause: null, modifiers: [], distinct: false, alias: '', value: { b: 1, a: 0 } };
    expect(canonicalQuery(tree, 'duckdb')).toBe('{"type":"SELECT_NODE","value":{"a":0,"b":1}}');
    // A parser release adding a field with an empty default, or reordering keys, changes nothing.
    const reordered = { value: { a: 0, b: 1 }, new_flag: false, new_list: [], type: 'SELECT_NODE' };
    expect(canonicalQuery(reordered, 'duckdb')).toBe(canonicalQuery(tree, 'duckdb'));
    // PostgreSQL's node names are keys with empty objects as values: they stay.
    expect(canonicalQuery({ ColumnRef: { fields: [{ A_Star: {} }], location: 7 } }, 'postgres')).toBe('{"ColumnRef":{"fields":[{"A_Star":{}}]}}');
  });
});
