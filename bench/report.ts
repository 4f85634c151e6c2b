import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One line of the benchmark report. `ratio` is what targets are judged on. */
export interface BenchRow {
  group: string;
  name: string;
  value: string;
  ratio?: number;
  target?: string;
}

/** Prints the rows and writes them to BENCHMARKS.md, with the machine they ran on. */
export function writeReport(file: string, rows: BenchRow[], seconds: number): string {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); every figure below was measured in the same run.',
    'Ratios compare two measurements of that run, so they travel between machines better than times.',
    '',
    `Machine: ${machine}. Run took ${seconds.toFixed(0)} s on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| group | measurement | result | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.group} | ${r.name} | ${r.value} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${r.target ?? ''} |`),
    '',
  ];
  const text = lines.join('\n');
  writeFileSync(file, text);
  return text;
}
