import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBAdapter } from '../src/engine/duckdb/adapter.js';
import { diffTables } from '../src/table-diff/diff-tables.js';
import type { DiffSide } from '../src/table-diff/types.js';

const DEFAULT_ROWS = 10_000_000;
const RUNS = 3;

/**
 * table-diff of two N-row DuckDB tables (1% of rows changed, 0.1% removed, 0.1% added)
 * against the single FULL OUTER JOIN aggregate a person would write by hand for the same
 * counts (each equality computed once), timed in the same run on the same file. Best of three each, interleaved, so
 * caches favor neither. The ratio is what table-diff adds: the count scan, duplicate-key
 * detection, the schema reads and the option checks.
 */
export async function benchTableDiff(opts: { rows?: number } = {}): Promise<{ name: string; ratio: number; details: Record<string, number | string> }[]> {
  const rows = opts.rows ?? DEFAULT_ROWS;
  const dir = mkdtempSync(join(tmpdir(), 'planner-bench-diff-'));
  const engine = await DuckDBAdapter.open(join(dir, 'diff.duckdb'));
  try {
    const setup = performance.now();
    await engine.execute('CREATE SCHEMA bench');
    await engine.execute(
      `CREATE TABLE bench.a AS SELECT i AS id, i % 1000 AS grp, CAST(i * 0.37 AS DOUBLE) AS amount, 'name_' || (i % 99991) AS name, ` +
        `DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day, i % 7 = 0 AS flag, CAST(i * 1.5 AS DECIMAL(18, 2)) AS price FROM range(${rows}) AS r(i)`,
    );
    await engine.execute(
      `CREATE TABLE bench.b AS SELECT id, grp, CASE WHEN id % 100 = 1 THEN amount + 1 ELSE amount END AS amount, name, day, flag, price ` +
        `FROM bench.a WHERE id % 1000 <> 5 UNION ALL ` +
        `SELECT ${rows} + i, 0, 0, 'new', DATE '2024-01-01', false, 0 FROM range(${Math.floor(rows / 1000)}) AS r(i)`,
    );
    const setupSeconds = (performance.now() - setup) / 1000;

    const columns = ['grp', 'amount', 'name', 'day', 'flag', 'price'];
    const eq = (c: string) => (c === 'amount' ? `ROUND(a.${c}, 3) IS NOT DISTINCT FROM ROUND(b.${c}, 3)` : `a.${c} IS NOT DISTINCT FROM b.${c}`);
    // The best a person would write: each equality evaluated once, in a subquery.
    const flags = columns.map((c) => `${eq(c)} AS ${c}_eq`).join(', ');
    const handWritten =
      `SELECT count(*) FILTER (WHERE in_a AND NOT in_b) AS only_a, count(*) FILTER (WHERE in_b AND NOT in_a) AS only_b, ` +
      `count(*) FILTER (WHERE in_a AND in_b) AS matched, count(*) FILTER (WHERE in_a AND in_b AND ${columns.map((c) => `${c}_eq`).join(' AND ')}) AS identical, ` +
      `${columns.map((c) => `count(*) FILTER (WHERE in_a AND in_b AND ${c}_eq) AS ${c}_eq`).join(', ')} ` +
      `FROM (SELECT a.id IS NOT NULL AS in_a, b.id IS NOT NULL AS in_b, ${flags} FROM bench.a AS a FULL OUTER JOIN bench.b AS b ON a.id = b.id) AS j`;
    const a: DiffSide = { label: 'a', table: { schema: 'bench', table: 'a' } };
    const b: DiffSide = { label: 'b', table: { schema: 'bench', table: 'b' } };

    let hand = Infinity;
    let diff = Infinity;
    let withSamples = Infinity;
    let check: { hand: number; diff: number } | undefined;
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const h = (await engine.query(handWritten)).rows[0];
      hand = Math.min(hand, performance.now() - t);
      t = performance.now();
      const d = await diffTables(engine, a, b, { on: ['id'] });
      diff = Math.min(diff, performance.now() - t);
      t = performance.now();
      await diffTables(engine, a, b, { on: ['id'], samples: true });
      withSamples = Math.min(withSamples, performance.now() - t);
      check = { hand: Number(h.identical), diff: d.rows?.identical ?? -1 };
    }
    // Both must have counted the same thing, or the ratio means nothing.
    if (!check || check.hand !== check.diff) throw new Error(`table-diff bench: hand-written query and table-diff disagree: ${JSON.stringify(check)}`);
    return [
      {
        name: `table-diff of two ${rows.toLocaleString('en-US')}-row DuckDB tables (1% changed) vs one hand-written FULL OUTER JOIN aggregate`,
        ratio: diff / hand,
        details: {
          'table-diff': `${(diff / 1000).toFixed(2)} s`,
          'hand-written join': `${(hand / 1000).toFixed(2)} s`,
          'with --show-sample': `${(withSamples / 1000).toFixed(2)} s`,
          'tables built in': `${setupSeconds.toFixed(1)} s`,
        },
      },
    ];
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
