import chalk from 'chalk';
import { formatInterval, type Interval } from '../../intervals/interval.js';
import type { Plan, SnapshotBackfill } from '../../plan/plan.js';

/** `[2024-01-01, 2024-01-15)`, or a short list of ranges. */
export function formatRanges(ranges: readonly Interval[]): string {
  const shown = ranges.slice(0, 3).map(formatInterval).join(', ');
  return ranges.length > 3 ? `${shown} and ${ranges.length - 3} more` : shown;
}

/** What a build line of the plan adds about intervals: what it computes, restates, in how many batches. */
export function backfillNote(plan: Plan, id: string): string {
  const work = plan.backfill?.[id];
  if (!work) return '';
  const parts: string[] = [];
  if (work.restate.length) parts.push(chalk.yellow(`restate ${formatRanges(work.restate)}`));
  const ranges = computedRanges(work);
  if (ranges.length) parts.push(`compute ${formatRanges(ranges)} in ${work.batches.length} ${work.batches.length === 1 ? 'batch' : 'batches'}`);
  else if (!work.restate.length) parts.push(chalk.gray('empty table: no interval in range'));
  return `  ${parts.join(', ')}`;
}

/** The forward-only changes that keep their table, as plan lines. */
export function migrationLines(plan: Plan): string[] {
  const ids = plan.migrations ?? [];
  if (!ids.length) return [];
  return [
    chalk.bold(`Change ${ids.length} ${ids.length === 1 ? 'table' : 'tables'} in place (forward-only: history kept, columns follow the new query)${plan.allowDestructive ? ', destructive changes allowed' : ''}:`),
    ...ids.map((id) => {
      const s = plan.snapshots[id];
      return `  ${s.name} ${chalk.gray(`-> ${s.physical.schema}.${s.physical.table}`)}`;
    }),
  ];
}

/** A build's intervals for `--json`: epoch-free, as ISO instants. */
export function backfillJson(plan: Plan, id: string): Record<string, unknown> {
  const work = plan.backfill?.[id];
  if (!work) return {};
  const iso = (list: readonly Interval[]) => list.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() }));
  return { intervals: iso(computedRanges(work)), batches: work.batches.length, restate: iso(work.restate) };
}

/** The intervals a backfill records, which for a FULL model are narrower than what its one batch renders. */
function computedRanges(work: SnapshotBackfill): Interval[] {
  return work.batches.flatMap((b) => b.intervals).reduce<Interval[]>((out, i) => {
    const last = out[out.length - 1];
    if (last && last.end === i.start) last.end = i.end;
    else out.push({ ...i });
    return out;
  }, []);
}
