import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodeSqlParser from 'node-sql-parser';
import { DuckDBSqlParser } from '../src/model/duckdb-sql-parser.js';
import { PostgresSqlParser } from '../src/model/postgres-sql-parser.js';
import type { SqlParser } from '../src/model/sql-parser.js';
import type { BenchRow } from './report.js';

/** Each corpus, and the dialect whose parser planner uses for it (its rate is the row's ratio). */
const CORPORA: { name: string; own: 'duckdb' | 'postgres' }[] = [
  { name: 'tpch', own: 'duckdb' },
  { name: 'duckdb', own: 'duckdb' },
  { name: 'postgres', own: 'postgres' },
];

/**
 * Parse success rate of each candidate parser on each corpus of real queries: the numbers
 * behind planner's choice of parsers (src/model/sql-parser.ts): DuckDB's for duckdb models,
 * PostgreSQL's (libpg-query) for postgres models, and node-sql-parser, measured only (it is
 * a dev dependency, used by nothing at run time). Then the time each takes per 1,000
 * queries, on the TPC-H corpus repeated.
 */
export async function benchParseRates(root: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const duck = new DuckDBSqlParser();
  const pg = new PostgresSqlParser();
  const nsp = new nodeSqlParser.Parser();
  const nspParses = (q: string) => {
    try {
      nsp.astify(q, { database: 'postgresql' });
      return true;
    } catch {
      return false;
    }
  };
  const okCount = async (parser: SqlParser, queries: string[]) => (await parser.parseMany(queries)).filter((o) => o.ok).length;
  try {
    const corpus = (name: string) => {
      const dir = join(root, 'bench/corpus', name);
      return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
    };
    for (const { name, own } of CORPORA) {
      const queries = corpus(name);
      const duckOk = await okCount(duck, queries);
      const pgOk = await okCount(pg, queries);
      const nspOk = queries.filter(nspParses).length;
      rows.push({
        group: 'parse success rate',
        name: `${name} corpus (${queries.length} queries)`,
        value: `DuckDB parser ${pct(duckOk, queries.length)}, PostgreSQL parser (libpg-query) ${pct(pgOk, queries.length)}, node-sql-parser (postgresql) ${pct(nspOk, queries.length)}`,
        ratio: (own === 'duckdb' ? duckOk : pgOk) / queries.length,
      });
    }
    const batch = Array.from({ length: 1000 }, (_, i) => corpus('tpch')[i % 22]);
    await duck.parseMany(batch.slice(0, 10));
    await pg.parseMany(batch.slice(0, 10));
    const timed = async (fn: () => unknown) => {
      const t = performance.now();
      await fn();
      return (performance.now() - t) / 1000;
    };
    const duckS = await timed(() => duck.parseMany(batch));
    const pgS = await timed(() => pg.parseMany(batch));
    const nspS = await timed(() => batch.forEach(nspParses));
    rows.push({
      group: 'parse time',
      name: '1,000 TPC-H queries (parse, no analysis)',
      value: `DuckDB parser ${duckS.toFixed(2)} s, PostgreSQL parser ${pgS.toFixed(2)} s, node-sql-parser ${nspS.toFixed(2)} s`,
      ratio: pgS / duckS,
    });
  } finally {
    duck.close();
    pg.close();
  }
  return rows;
}

function pct(n: number, of: number): string {
  return `${n}/${of} (${((100 * n) / of).toFixed(0)}%)`;
}
