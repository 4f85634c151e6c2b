import chalk from 'chalk';
import type { Row } from '../../engine/engine-adapter.js';
import type { EnvironmentDiffEntry, ModelDiffResult } from '../../table-diff/diff-models.js';
import type { DiffSamples, TableDiffResult } from '../../table-diff/types.js';
import { formatValue, jsonValue } from './table.js';

const count = (n: number) => n.toLocaleString('en-US');

/** A share as a percentage with one decimal that never rounds a difference away: 99.97% shows as >99.9%. */
export function percent(part: number, whole: number): string {
  if (!whole) return '–';
  if (part === whole) return '100%';
  const text = ((part / whole) * 100).toFixed(1);
  if (text === '100.0') return '>99.9%';
  if (text === '0.0' && part > 0) return '<0.1%';
  return `${text}%`;
}

const rateColor = (part: number, whole: number) => (part === whole ? chalk.green : part / whole >= 0.99 ? chalk.yellow : chalk.red);

/** The diff of one model as a person reads it: sides, schema, key problems, rows, columns, samples. */
export function renderTableDiff(result: ModelDiffResult): string {
  const { a, b, schema, rows } = result;
  const out: string[] = [];
  out.push(chalk.bold(`${result.model}: ${chalk.cyan(a.label)} vs ${chalk.cyan(b.label)}`) + chalk.gray(`  on ${result.on.join(', ')}`));
  const labelWidth = Math.max(a.label.length, b.label.length);
  for (const side of [a, b]) {
    out.push(`  ${side.label.padEnd(labelWidth)}  ${count(side.rows).padStart(12)} rows  ${chalk.gray(`${side.table.schema}.${side.table.table}`)}`);
  }
  if (result.where) out.push(chalk.gray(`  where ${result.where}`));

  out.push('');
  const changes = schema.added.length + schema.removed.length + schema.typeChanged.length;
  if (!changes) out.push(`${chalk.bold('Schema')}  ${chalk.green(`same columns and types`)}`);
  else {
    out.push(chalk.bold('Schema'));
    for (const c of schema.added) out.push(chalk.green(`  + ${c.name} ${c.type}`) + chalk.gray(`  only in ${a.label}`));
    for (const c of schema.removed) out.push(chalk.red(`  - ${c.name} ${c.type}`) + chalk.gray(`  only in ${b.label}`));
    for (const c of schema.typeChanged) out.push(chalk.yellow(`  ~ ${c.name} ${c.b} → ${c.a}`) + chalk.gray(`  ${b.label} → ${a.label}`));
  }
  if (schema.skipped.length) out.push(chalk.gray(`  skipped: ${schema.skipped.join(', ')}`));

  const keyLines = [a, b].flatMap((side, i) => {
    const k = i === 0 ? result.keys.a : result.keys.b;
    const parts = [
      k.duplicateKeys ? `${count(k.duplicateKeys)} duplicate ${k.duplicateKeys === 1 ? 'key' : 'keys'} on ${count(k.duplicateRows)} rows` : '',
      k.nullKeyRows ? `${count(k.nullKeyRows)} ${k.nullKeyRows === 1 ? 'row' : 'rows'} with a NULL key (left out)` : '',
    ].filter(Boolean);
    return parts.length ? [`  ${side.label.padEnd(labelWidth)}  ${chalk.yellow(parts.join(', '))}`] : [];
  });
  if (keyLines.length) out.push('', chalk.bold(`Keys (${result.on.join(', ')})`), ...keyLines);

  out.push('');
  if (!rows) {
    out.push(chalk.red.bold('Rows not compared: ') + chalk.red(result.refused ?? 'no key'));
    out.push(chalk.gray('  pass --allow-duplicate-keys to compare anyway (each pair of rows sharing a key counts as one match), or --on with columns that identify rows'));
    return out.join('\n');
  }
  const matchedNote = keyLines.length ? chalk.gray('  (pairs of rows sharing a key)') : '';
  const w = Math.max(count(rows.matched).length, count(rows.onlyInA).length, count(rows.onlyInB).length);
  const rowLine = (label: string, n: number, share: string, color: (s: string) => string) =>
    `  ${label.padEnd(labelWidth + 10)}${color(count(n).padStart(w))}${share ? `  ${chalk.gray(share)}` : ''}`;
  const onlyColor = (n: number) => (n ? chalk.yellow : chalk.green);
  out.push(chalk.bold('Rows'));
  const shareOf = (n: number, side: { label: string; rows: number }) => (n ? `${percent(n, side.rows)} of ${side.label}` : '');
  out.push(rowLine(`only in ${a.label}`, rows.onlyInA, shareOf(rows.onlyInA, a), onlyColor(rows.onlyInA)));
  out.push(rowLine(`only in ${b.label}`, rows.onlyInB, shareOf(rows.onlyInB, b), onlyColor(rows.onlyInB)));
  out.push(rowLine('matched', rows.matched, '', (s) => s) + matchedNote);
  out.push(rowLine('  identical', rows.identical, percent(rows.identical, rows.matched), rateColor(rows.identical, rows.matched)));
  out.push(rowLine('  different', rows.different, percent(rows.different, rows.matched), rows.different ? chalk.red : chalk.green));

  if (rows.columns.length) {
    const rounded = rows.columns.some((c) => c.rounded) ? `; ≈ rounded to ${result.decimals} decimals` : '';
    out.push('', chalk.bold('Columns') + chalk.gray(`  share of matched rows with equal values${rounded}`));
    const nameWidth = Math.max(...rows.columns.map((c) => c.name.length));
    for (const c of rows.columns) {
      const share = rateColor(c.equal, rows.matched)(percent(c.equal, rows.matched).padStart(7));
      const differ = c.different ? chalk.red(`  ${count(c.different)} differ`) : '';
      out.push(`  ${c.name.padEnd(nameWidth)}  ${share}${c.rounded ? chalk.gray(' ≈') : differ ? '  ' : ''}${differ}`);
    }
  }
  if (result.samples) out.push(...renderSamples(result, result.samples));
  return out.join('\n');
}

function renderSamples(result: TableDiffResult, samples: DiffSamples): string[] {
  const rows = result.rows!;
  const out: string[] = [];
  const section = (title: string, shown: number, total: number) => out.push('', chalk.bold(title) + chalk.gray(`  ${count(shown)} of ${count(total)}`));
  const plain = (cols: string[], data: Row[]) => grid(cols, data.map((r) => cols.map((c) => ({ text: formatValue(r[c]) }))));
  if (samples.onlyInA.length) {
    section(`Only in ${result.a.label}`, samples.onlyInA.length, rows.onlyInA);
    out.push(...plain(Object.keys(samples.onlyInA[0]), samples.onlyInA));
  }
  if (samples.onlyInB.length) {
    section(`Only in ${result.b.label}`, samples.onlyInB.length, rows.onlyInB);
    out.push(...plain(Object.keys(samples.onlyInB[0]), samples.onlyInB));
  }
  if (samples.different.length) {
    section(`Different`, samples.different.length, rows.different);
    const keys = result.on;
    const cols = result.schema.compared.filter((c) => samples.different.some((r) => r.differing.includes(c)));
    const header = [...keys, ...cols.flatMap((c) => [`${c} (${result.a.label})`, `${c} (${result.b.label})`])];
    const cells = samples.different.map((r) => [
      ...keys.map((k) => ({ text: formatValue(r.key[k]) })),
      ...cols.flatMap((c) => {
        const differs = r.differing.includes(c);
        return [
          { text: formatValue(r.a[c]), color: differs ? chalk.red.bold : chalk.gray },
          { text: formatValue(r.b[c]), color: differs ? chalk.green.bold : chalk.gray },
        ];
      }),
    ]);
    out.push(...grid(header, cells));
  }
  return out;
}

interface Cell {
  text: string;
  color?: (s: string) => string;
}

/** An aligned table whose cells may be colored: padding happens before coloring, so ANSI codes never skew it. */
function grid(header: string[], rows: Cell[][]): string[] {
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i].text.length))));
  const fit = (text: string, i: number) => (text.length > widths[i] ? `${text.slice(0, widths[i] - 1)}…` : text.padEnd(widths[i]));
  const line = (cells: Cell[]) => `  ${cells.map((c, i) => (c.color ?? ((s: string) => s))(fit(c.text, i))).join('  ')}`.trimEnd();
  return [chalk.bold(line(header.map((text) => ({ text })))), ...rows.map(line)];
}

/** One line for one model of `table-diff ENV_A ENV_B`. */
export function summaryLine(result: TableDiffResult): string {
  const { schema, rows, a, b } = result;
  const parts: string[] = [];
  const s = [
    schema.added.length ? `+${schema.added.length}` : '',
    schema.removed.length ? `-${schema.removed.length}` : '',
    schema.typeChanged.length ? `~${schema.typeChanged.length}` : '',
  ].filter(Boolean);
  if (s.length) parts.push(chalk.yellow(`columns ${s.join(' ')}`));
  if (!rows) return [...parts, chalk.red(`rows not compared: ${result.refused}`)].join(chalk.gray(' · '));
  if (rows.onlyInA) parts.push(chalk.yellow(`${count(rows.onlyInA)} only in ${a.label}`));
  if (rows.onlyInB) parts.push(chalk.yellow(`${count(rows.onlyInB)} only in ${b.label}`));
  if (rows.different) parts.push(chalk.red(`${count(rows.different)} of ${count(rows.matched)} matched differ (${percent(rows.different, rows.matched)})`));
  if (!parts.length) return chalk.green(`same data: ${count(rows.matched)} rows match`);
  return parts.join(chalk.gray(' · '));
}

/** Every changed model between two environments, one line each. */
export function renderEnvironmentDiff(envA: string, envB: string, entries: EnvironmentDiffEntry[]): string {
  const head = chalk.bold(`${chalk.cyan(envA)} vs ${chalk.cyan(envB)}: `);
  if (!entries.length) return head + chalk.green('no model has a different version');
  const width = Math.max(...entries.map((e) => e.model.length));
  const lines = entries.map((e) => {
    const name = `  ${e.model.padEnd(width)}  `;
    switch (e.status) {
      case 'diffed':
        return name + summaryLine(e.result);
      case 'skipped':
        return name + chalk.gray(`skipped: ${e.reason}`);
      case 'failed':
        return name + chalk.red(`failed: ${e.reason}`);
      default: {
        const never: never = e;
        throw new Error(`unknown entry ${JSON.stringify(never)}`);
      }
    }
  });
  return [head + `${entries.length} ${entries.length === 1 ? 'model differs' : 'models differ'} in version`, ...lines].join('\n');
}

/** The diff as JSON: sample values made JSON-safe (bigints, decimals, dates). */
export function tableDiffJson(result: TableDiffResult): Record<string, unknown> {
  const safe = (r: Row) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonValue(v)]));
  const samples = result.samples && {
    onlyInA: result.samples.onlyInA.map(safe),
    onlyInB: result.samples.onlyInB.map(safe),
    different: result.samples.different.map((d) => ({ key: safe(d.key), a: safe(d.a), b: safe(d.b), differing: d.differing })),
  };
  return { ...result, samples };
}

export function environmentDiffJson(envA: string, envB: string, entries: EnvironmentDiffEntry[]): Record<string, unknown> {
  return { a: envA, b: envB, models: entries.map((e) => (e.status === 'diffed' ? { ...e, result: tableDiffJson(e.result) } : e)) };
}
