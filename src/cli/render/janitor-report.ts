import chalk from 'chalk';
import type { JanitorReport } from '../../lifecycle/janitor.js';
import { formatWhen } from './time.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the janitor removed, what it kept and why, and what failed. */
export function renderJanitorReport(r: JanitorReport, now: number): string {
  const lines: string[] = [];
  if (r.environments.length) lines.push(`Removed ${plural(r.environments.length, 'expired environment')}: ${r.environments.join(', ')}`);
  const dropped = [
    r.views.length && plural(r.views.length, 'view'),
    r.tables.length && plural(r.tables.length, 'physical table'),
    r.schemas.length && plural(r.schemas.length, 'schema'),
  ].filter(Boolean);
  if (dropped.length) lines.push(`Dropped ${dropped.join(', ')}${r.snapshotsDeleted ? `; deleted ${plural(r.snapshotsDeleted, 'snapshot')} from state` : ''}.`);
  else if (r.snapshotsDeleted) lines.push(`Deleted ${plural(r.snapshotsDeleted, 'snapshot')} from state.`);
  for (const name of [...r.views, ...r.tables, ...r.schemas]) lines.push(chalk.gray(`  - ${name}`));
  if (r.waiting.length) {
    lines.push(`Kept ${plural(r.waiting.length, 'unused table')} until the snapshot TTL passes (--ignore-ttl drops them now):`);
    for (const w of r.waiting) lines.push(chalk.gray(`  ${w.table}  ${formatWhen(w.expiresAt, now)}`));
  }
  if (r.kept.length) {
    lines.push(chalk.yellow(`Kept ${plural(r.kept.length, 'unused table')} that a view still reads:`));
    for (const k of r.kept) lines.push(chalk.gray(`  ${k.table}: ${k.reason}`));
  }
  if (r.failures.length) {
    lines.push(chalk.red(`${plural(r.failures.length, 'step')} failed; the rest was done. Run \`planner janitor\` again once fixed:`));
    for (const f of r.failures) lines.push(chalk.red(`  ${f.object}: ${f.message}`));
  }
  if (!lines.length) lines.push(chalk.green('Nothing to clean up: no expired environment, no unused table.'));
  return lines.join('\n');
}
