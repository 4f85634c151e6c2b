import chalk from 'chalk';
import { hasDifferences, type EnvironmentDiff } from '../../lifecycle/environment-diff.js';
import type { ChangeCategory } from '../../snapshot/snapshot.js';

const color: Record<ChangeCategory, (s: string) => string> = {
  breaking: chalk.red,
  'non-breaking': chalk.green,
  metadata: chalk.gray,
  'forward-only': chalk.magenta,
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `planner diff` as a person reads it: what A has that B has not, then each changed model with its downstream and its diff. */
export function renderEnvironmentDiff(d: EnvironmentDiff): string {
  if (!hasDifferences(d)) {
    return chalk.green(d.aIsLocal ? `No differences: the local project matches ${d.b}.` : `No differences: ${d.a} and ${d.b} point at the same snapshot for every model.`);
  }
  const counts = [
    d.modified.length && plural(d.modified.length, 'model') + ' changed',
    d.indirectlyModified.length && `${d.indirectlyModified.length} affected downstream`,
    d.onlyInA.length && `${d.onlyInA.length} only in ${d.a}`,
    d.onlyInB.length && `${d.onlyInB.length} only in ${d.b}`,
  ].filter(Boolean);
  const lines = [chalk.bold(`${d.aIsLocal ? 'The local project' : chalk.cyan(d.a)} compared with ${chalk.cyan(d.b)}: ${counts.join(', ')}`)];
  if (d.onlyInA.length) lines.push('', chalk.bold(`Only in ${d.a}`), ...d.onlyInA.map((n) => chalk.green(`  + ${n}`)));
  if (d.onlyInB.length) lines.push('', chalk.bold(`Only in ${d.b}`), ...d.onlyInB.map((n) => chalk.red(`  - ${n}`)));
  for (const m of d.modified) {
    lines.push('', `${chalk.bold(`~ ${m.name}`)}  ${color[m.category](m.category)}`);
    if (m.affected.length) {
      lines.push(`  downstream: ${m.affected.map((a) => `${a.name} ${chalk.gray(`(${a.category})`)}`).join(', ')}`);
    }
    if (!m.diff) lines.push(chalk.gray(`  the file is the same; changed: ${m.fields.join(', ') || 'upstream definitions'}`));
    else lines.push(...colorDiff(m.diff).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

/** Colors a unified diff's lines: headers bold, hunks cyan, additions green, removals red. */
export function colorDiff(diff: string): string[] {
  // The first two lines are the `---`/`+++` headers; later ones may start the same (a removed `-- comment`).
  return diff.split('\n').map((line, i) => {
    if (i < 2) return chalk.bold(line);
    if (line.startsWith('@@')) return chalk.cyan(line);
    if (line.startsWith('+')) return chalk.green(line);
    if (line.startsWith('-')) return chalk.red(line);
    return chalk.gray(line);
  });
}
