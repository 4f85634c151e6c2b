// Checks the SQL corpus of bench/corpus on the engines it is written for.
//   node bench/tools/verify-corpus.mjs            (from /work/main)
// DuckDB (in memory): every tpch/ and duckdb/ query parses (json_serialize_sql) and runs.
// PostgreSQL (PLANNER_PG_URL or postgres://postgres@127.0.0.1:5432/test): every tpch/ and
// postgres/ query passes EXPLAIN and runs, inside schemas of their own that are dropped at the end.
// The TPC-H tables are filled with the tiny synthetic data of corpus/tpch-data.sql; the row
// counts of each TPC-H query must agree between the two engines.
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const read = (p) => readFileSync(join(corpus, p), 'utf8');
const queries = (dir) =>
  readdirSync(join(corpus, dir)).filter((f) => f.endsWith('.sql')).sort().map((f) => ({ name: `${dir}/${f}`, sql: read(`${dir}/${f}`) }));

const failures = [];
const counts = {};
const tpchRows = { duckdb: {}, postgres: {} };

async function duck() {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(read('fixtures/duckdb.sql'));
  await c.run('create schema tpch');
  await c.run("set search_path = 'tpch'");
  await c.run(read('tpch-schema.sql'));
  await c.run(read('tpch-data.sql'));
  for (const dir of ['tpch', 'duckdb']) {
    await c.run(`set search_path = '${dir === 'tpch' ? 'tpch' : 'main'}'`);
    for (const q of queries(dir)) {
      try {
        const r = await c.runAndReadAll('select json_serialize_sql($1::varchar)', [q.sql]);
        const j = JSON.parse(String(r.getRows()[0][0]));
        if (j.error) throw new Error(`json_serialize_sql: ${j.error_message}`);
        const rows = (await c.runAndReadAll(q.sql)).getRows().length;
        if (dir === 'tpch') tpchRows.duckdb[q.name] = rows;
        counts[`duckdb ${dir}`] = (counts[`duckdb ${dir}`] ?? 0) + 1;
        console.log(`duckdb    ok  ${q.name} (${rows} rows)`);
      } catch (e) {
        failures.push(`duckdb ${q.name}: ${e.message.split('\n')[0]}`);
        console.log(`duckdb    ERR ${q.name}: ${e.message.split('\n')[0]}`);
      }
    }
  }
  c.closeSync?.();
}

async function postgres() {
  const url = process.env.PLANNER_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schemas = { tpch: `bench_corpus_tpch_${process.pid}`, postgres: `bench_corpus_app_${process.pid}` };
  await client.query(`create schema ${schemas.tpch}`);
  await client.query(`create schema ${schemas.postgres}`);
  try {
    await client.query(`set search_path = ${schemas.tpch}`);
    await client.query(read('tpch-schema.sql'));
    await client.query(read('tpch-data.sql'));
    await client.query(`set search_path = ${schemas.postgres}`);
    await client.query(read('fixtures/postgres.sql'));
    for (const dir of ['tpch', 'postgres']) {
      await client.query(`set search_path = ${schemas[dir]}`);
      for (const q of queries(dir)) {
        try {
          await client.query(`explain ${q.sql}`);
          const rows = (await client.query(q.sql)).rowCount;
          if (dir === 'tpch') tpchRows.postgres[q.name] = rows;
          counts[`postgres ${dir}`] = (counts[`postgres ${dir}`] ?? 0) + 1;
          console.log(`postgres  ok  ${q.name} (${rows} rows)`);
        } catch (e) {
          failures.push(`postgres ${q.name}: ${e.message}`);
          console.log(`postgres  ERR ${q.name}: ${e.message}`);
        }
      }
    }
  } finally {
    await client.query(`drop schema ${schemas.tpch} cascade`);
    await client.query(`drop schema ${schemas.postgres} cascade`);
    await client.end();
  }
}

await duck();
await postgres();
for (const [name, n] of Object.entries(tpchRows.duckdb)) {
  const m = tpchRows.postgres[name];
  if (m !== undefined && m !== n) failures.push(`${name}: ${n} rows on duckdb, ${m} on postgres`);
}
console.log(counts);
console.log(failures.length ? `FAILED:\n  ${failures.join('\n  ')}` : 'all queries verified');
process.exit(failures.length ? 1 : 0);
