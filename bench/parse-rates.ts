import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodeSqlParser from 'node-sql-parser';
import { DuckDBSqlParser } from '../src/model/duckdb-sql-parser.js';
import type { BenchRow } from './report.js';

const CORPORA = ['tpch', 'duckdb', 'postgres'];

/**
 * Parse success rate of each candidate parser on each corpus of real queries: the numbers
 * behind the choice of DuckDB's parser for both dialects (src/model/sql-parser.ts).
 */
export async function benchParseRates(root: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const duck = new DuckDBSqlParser();
  const nsp = new nodeSqlParser.Parser();
  try {
    for (const corpus of CORPORA) {
      const dir = join(root, 'bench/corpus', corpus);
      const queries = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
      const duckOk = (await duck.parseMany(queries)).filter((o) => o.ok).length;
      const nspOk = queries.filter((q) => {
        try {
          nsp.astify(q, { database: 'postgresql' });
          return true;
        } catch {
          return false;
        }
      }).length;
      rows.push({
        group: 'parse success rate',
        name: `${corpus} corpus (${queries.length} queries)`,
        value: `DuckDB parser ${pct(duckOk, queries.length)}, node-sql-parser (postgresql) ${pct(nspOk, queries.length)}`,
        ratio: duckOk / queries.length,
      });
    }
  } finally {
    duck.close();
  }
  return rows;
}

function pct(n: number, of: number): string {
  return `${n}/${of} (${((100 * n) / of).toFixed(0)}%)`;
}
