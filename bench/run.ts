import { join, resolve } from 'node:path';
import { benchApplyOverhead } from './apply-overhead.js';
import { benchParseRates } from './parse-rates.js';
import { benchReport } from './report-bench.js';
import { writeReport, type BenchRow } from './report.js';
import { benchPlanAtScale, benchSmallApplyDuckDB, benchSmallApplyPostgres } from './small-models.js';

/**
 * `npm run bench`: every benchmark in one run, printed and written to BENCHMARKS.md.
 * BENCH_QUICK=1 runs small sizes (for checking the script itself). BENCH_ONLY=text runs only
 * the steps whose name contains it (e.g. BENCH_ONLY=no-op), with the rows printed and
 * BENCHMARKS.md left as it is.
 */
const root = resolve(import.meta.dirname, '..', '..');
const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY;
const started = performance.now();
const rows: BenchRow[] = [];
const step = async (name: string, fn: () => Promise<BenchRow[]>) => {
  if (only && !name.includes(only)) return;
  process.stderr.write(`bench: ${name}...\n`);
  const out = await fn();
  for (const r of out) process.stderr.write(`  ${r.name}: ${r.value}${r.ratio === undefined ? '' : ` (ratio ${r.ratio.toFixed(2)})`}\n`);
  rows.push(...out);
};

await step('parse success rates', () => benchParseRates(root));
await step('small models: first apply, DuckDB', () => benchSmallApplyDuckDB(quick ? 200 : 2000, quick ? 1 : 2));
await step('small models: first apply, PostgreSQL', () => benchSmallApplyPostgres(quick ? 200 : 2000));
// BENCH_SIZES=2000 (comma-separated) plans at these sizes only.
const sizes = process.env.BENCH_SIZES?.split(',').map(Number) ?? (quick ? [200, 1000] : [2000, 10000]);
await step('no-op plan, dev plan, run at scale', () => benchPlanAtScale(sizes));
await step('HTML report', () => benchReport(quick ? 300 : 2000));
await step('apply overhead', () => benchApplyOverhead(quick ? 50 : 200, quick ? 4 : 40));
try {
  const { benchTableDiff } = await import('./table-diff-bench.js');
  await step('table-diff', async () =>
    (await benchTableDiff(quick ? { rows: 100_000 } : undefined)).map((r) => ({
      group: 'table-diff',
      name: r.name,
      value: Object.entries(r.details).map(([k, v]) => `${k} ${v}`).join(', '),
      ratio: r.ratio,
      target: 'under 1.5',
    })),
  );
} catch (err) {
  if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
}

if (!only) process.stdout.write(writeReport(join(root, 'BENCHMARKS.md'), rows, (performance.now() - started) / 1000));
