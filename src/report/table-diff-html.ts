import type { Row } from '../engine/engine-adapter.js';
import type { TableDiffResult } from '../table-diff/types.js';
import { anchor, esc } from './html.js';
import type { ReviewTableDiff } from './review.js';

/** The table-diff section: per model, row counts, schema changes, per-column match rates as bars, and sample rows. */
export function tableDiffsHtml(diffs: readonly ReviewTableDiff[]): string {
  if (!diffs.length) return '';
  return `<section id="table-diffs"><h2>Data diff (${diffs.length} ${diffs.length === 1 ? 'model' : 'models'})</h2>${diffs.map(entryHtml).join('')}</section>`;
}

function entryHtml({ model, entry }: ReviewTableDiff): string {
  const head = `<h3 class="mono">${esc(model)}</h3>`;
  if (entry.status !== 'diffed') return `<article class="table-diff" id="td-${anchor(model)}">${head}<p class="muted">${entry.status}: ${esc(entry.reason)}</p></article>`;
  return `<article class="table-diff" id="td-${anchor(model)}" data-model="${esc(model)}">${head}${resultHtml(entry.result)}</article>`;
}

function resultHtml(r: TableDiffResult): string {
  const parts: string[] = [];
  const rows = r.rows;
  parts.push(
    `<table class="grid counts"><tr><th></th><th>${esc(r.a.label)}</th><th>${esc(r.b.label)}</th></tr>` +
      `<tr><th>rows</th><td class="num">${r.a.rows}</td><td class="num">${r.b.rows}</td></tr>` +
      (rows ? `<tr><th>only here</th><td class="num">${rows.onlyInA}</td><td class="num">${rows.onlyInB}</td></tr>` : '') +
      `</table>`,
  );
  if (rows) parts.push(`<p>${rows.matched} rows matched on <code>${esc(r.on.join(', '))}</code>: ${rows.identical} identical, ${rows.different} different.</p>`);
  if (r.refused) parts.push(`<p class="muted">rows not compared: ${esc(r.refused)}</p>`);
  const s = r.schema;
  if (s.added.length || s.removed.length || s.typeChanged.length) {
    parts.push(
      `<p class="cols">` +
        s.added.map((c) => `<span class="plus">+ <code>${esc(c.name)}</code> ${esc(c.type)}</span> `).join('') +
        s.removed.map((c) => `<span class="minus">− <code>${esc(c.name)}</code> ${esc(c.type)}</span> `).join('') +
        s.typeChanged.map((c) => `<span>~ <code>${esc(c.name)}</code> ${esc(c.b)} → ${esc(c.a)}</span> `).join('') +
        `</p>`,
    );
  }
  if (rows?.columns.length) {
    const bar = (rate: number | null) => (rate === null ? '<span class="muted">no matched rows</span>' : `<span class="bar" title="${(rate * 100).toFixed(1)}%"><i style="width:${(rate * 100).toFixed(1)}%"></i></span>${(rate * 100).toFixed(1)}%`);
    parts.push(
      `<table class="grid match"><tr><th>column</th><th>match rate</th><th>equal</th><th>different</th></tr>` +
        rows.columns.map((c) => `<tr data-column="${esc(c.name)}"><td class="mono">${esc(c.name)}${c.rounded ? ` <span class="muted">(${r.decimals} decimals)</span>` : ''}</td><td>${bar(c.rate)}</td><td class="num">${c.equal}</td><td class="num">${c.different}</td></tr>`).join('') +
        `</table>`,
    );
  }
  if (r.samples) {
    const { onlyInA, onlyInB, different } = r.samples;
    if (onlyInA.length) parts.push(sample(`only in ${r.a.label}`, onlyInA));
    if (onlyInB.length) parts.push(sample(`only in ${r.b.label}`, onlyInB));
    if (different.length) parts.push(sample(`different (${r.a.label} / ${r.b.label})`, different.map((d) => ({ ...d.key, ...Object.fromEntries(d.differing.map((c) => [c, `${show(d.a[c])} / ${show(d.b[c])}`])) }))));
  }
  return parts.join('');
}

function sample(title: string, rows: Row[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return `<details open><summary>${esc(title)}: ${rows.length} sample ${rows.length === 1 ? 'row' : 'rows'}</summary><table class="grid sample"><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${cols.map((c) => `<td class="mono">${esc(show(r[c]))}</td>`).join('')}</tr>`)
    .join('')}</table></details>`;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
