import { lazyRequire } from '../util/lazy-require.js';
import { highlightSqlLine } from './sql-highlight.js';

// Loaded on first use: only a plan with changes, or a diff, compares texts.
const diff = lazyRequire<typeof import('diff')>('diff');

/** One row of a side-by-side diff: a line on the left (before), the right (after), or both. */
export interface DiffRow {
  type: 'same' | 'changed' | 'removed' | 'added' | 'skip';
  left: { no: number; text: string } | null;
  right: { no: number; text: string } | null;
  /** For `skip`: how many unchanged lines are folded. */
  skipped?: number;
}

/**
 * Pairs the lines of two texts for a side-by-side view: removed lines next to the lines
 * that replaced them, unchanged runs longer than twice `context` folded to one row.
 */
export function sideBySideRows(before: string, after: string, context = 3): DiffRow[] {
  const rows: DiffRow[] = [];
  let [l, r] = [1, 1];
  const parts = diff().diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const lines = splitLines(part.value);
    if (!part.added && !part.removed) {
      lines.forEach((text) => rows.push({ type: 'same', left: { no: l++, text }, right: { no: r++, text } }));
      continue;
    }
    if (part.removed && parts[i + 1]?.added) {
      const added = splitLines(parts[++i].value);
      for (let k = 0; k < Math.max(lines.length, added.length); k++) {
        const left = k < lines.length ? { no: l++, text: lines[k] } : null;
        const right = k < added.length ? { no: r++, text: added[k] } : null;
        rows.push({ type: left && right ? 'changed' : left ? 'removed' : 'added', left, right });
      }
      continue;
    }
    for (const text of lines) rows.push(part.removed ? { type: 'removed', left: { no: l++, text }, right: null } : { type: 'added', left: null, right: { no: r++, text } });
  }
  return fold(rows, context);
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Keeps `context` unchanged rows around each change; the rest become one `skip` row. */
function fold(rows: DiffRow[], context: number): DiffRow[] {
  const keep = rows.map((row) => row.type !== 'same');
  const near = rows.map((_, i) => rows.slice(Math.max(0, i - context), i + context + 1).some((x) => x.type !== 'same'));
  const out: DiffRow[] = [];
  for (let i = 0; i < rows.length; ) {
    if (keep[i] || near[i]) {
      out.push(rows[i++]);
      continue;
    }
    let j = i;
    while (j < rows.length && !keep[j] && !near[j]) j++;
    out.push({ type: 'skip', left: null, right: null, skipped: j - i });
    i = j;
  }
  return out;
}

/** The rows as an HTML table: line numbers and highlighted SQL on each side. */
export function sideBySideHtml(before: string, after: string): string {
  const cell = (side: DiffRow['left'], cls: string) =>
    side ? `<td class="ln">${side.no}</td><td class="code ${cls}">${highlightSqlLine(side.text) || ' '}</td>` : '<td class="ln"></td><td class="code empty"></td>';
  const body = sideBySideRows(before, after)
    .map((row) => {
      if (row.type === 'skip') return `<tr class="skip"><td colspan="4">⋯ ${row.skipped} unchanged ${row.skipped === 1 ? 'line' : 'lines'}</td></tr>`;
      const [lc, rc] = row.type === 'same' ? ['', ''] : ['del', 'ins'];
      return `<tr>${cell(row.left, lc)}${cell(row.right, rc)}</tr>`;
    })
    .join('');
  return `<table class="sbs"><colgroup><col class="ln"><col><col class="ln"><col></colgroup><tbody>${body}</tbody></table>`;
}
