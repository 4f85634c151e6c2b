import { layoutReview, modelGraphSvg, schemaGraphSvg, type ReviewLayouts } from './graph-svg.js';
import { anchor, esc } from './html.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_CSS } from './report-style.js';
import { STATUS_LABEL, STATUS_ORDER, type Review, type ReviewChange } from './review.js';
import { sideBySideHtml } from './side-by-side.js';
import { tableDiffsHtml } from './table-diff-html.js';
import { trailsHtml } from './trail-html.js';

/** Above this many models the lineage opens as one node per schema. */
export const COLLAPSE_ABOVE = 400;

export interface ReportPageOptions {
  /** Links each graph node to a page of its own (the live UI); a written report has none. */
  modelHref?: (model: string) => string;
  /** HTML put above the title (the live UI's navigation). */
  nav?: string;
  /** When the report was made, shown under the title. */
  generatedAt?: Date;
}

/**
 * The whole report as one self-contained HTML page: styles and script inlined, the graph
 * laid out already, nothing fetched from a network.
 * @example writeFileSync('plan.html', await renderReport(buildReview({ ... })))
 */
export async function renderReport(review: Review, options: ReportPageOptions = {}): Promise<string> {
  return reportHtml(review, await layoutReview(review), options);
}

/** The page for a review whose graphs are laid out. Pure. */
export function reportHtml(review: Review, layouts: ReviewLayouts, options: ReportPageOptions = {}): string {
  const body = [
    trailsHtml(review.trails),
    lineageHtml(review, layouts, options),
    changesHtml(review.changes),
    buildsHtml(review),
    tableDiffsHtml(review.tableDiffs),
    viewsHtml(review),
  ].join('\n');
  const sub = `${esc(review.a)}${review.b ? ` compared with ${esc(review.b)}` : ''} · ${review.models.length} models · ${review.changes.length} changed${options.generatedAt ? ` · ${esc(options.generatedAt.toISOString())}` : ''}`;
  return page(review.title, `${options.nav ?? ''}<header class="top"><h1>${esc(review.title)}</h1><span class="sub">${sub}</span></header><main>${body}</main>`);
}

/** A page with the report's style and script around `body`; the live UI's other pages use it too. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${REPORT_CSS}</style></head><body>${body}<script>${REPORT_SCRIPT}</script></body></html>\n`;
}

/** Counts per status as coloured badges. */
export function legendHtml(review: Review): string {
  const counts = new Map<string, number>();
  for (const m of review.models) counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
  return `<div class="legend">${STATUS_ORDER.map((s) => `<span class="badge s-${s}" data-status="${s}">${STATUS_LABEL[s]}: ${counts.get(s) ?? 0}</span>`).join('')}</div>`;
}

function lineageHtml(review: Review, layouts: ReviewLayouts, options: ReportPageOptions): string {
  // A big graph opens folded by schema: the model graph is not even painted until asked for.
  const collapsed = review.models.length > COLLAPSE_ABOVE;
  const models = modelGraphSvg(review, layouts.models, options.modelHref, collapsed);
  return `<section id="lineage"><h2>Lineage</h2>${legendHtml(review)}
<div class="toolbar"><button type="button" data-view="models">models</button><button type="button" data-view="schemas">by schema</button>
<button type="button" id="zoom-in" title="zoom in">+</button><button type="button" id="zoom-out" title="zoom out">−</button><button type="button" id="zoom-fit">fit</button>
<input id="search" type="search" placeholder="search models (Enter jumps to the first)" autocomplete="off"><span id="search-count"></span></div>
<div id="matches"></div>
<div id="viewport" data-collapse-above="${COLLAPSE_ABOVE}"${viewportStyle(layouts)}>${models}${schemaGraphSvg(review, layouts.schemas, !collapsed)}<div id="node-info" hidden></div></div></section>`;
}

/** A small graph gets a viewport its own height instead of most of the window. */
function viewportStyle(layouts: ReviewLayouts): string {
  return layouts.models.height < 400 ? ` style="height:${Math.max(220, Math.ceil(layouts.models.height) + 80)}px"` : '';
}

function changesHtml(changes: readonly ReviewChange[]): string {
  if (!changes.length) return `<section id="changes"><h2>Changes</h2><p>No model differs.</p></section>`;
  return `<section id="changes"><h2>Changes (${changes.length})</h2>${changes.map(changeHtml).join('\n')}</section>`;
}

function changeHtml(c: ReviewChange): string {
  const label = c.status === 'indirect' && c.effect ? `${STATUS_LABEL.indirect} (${c.effect})` : STATUS_LABEL[c.status];
  const cols = c.columns;
  const colLine = [
    ...cols.added.map((n) => `<span class="plus">+ <code>${esc(n)}</code></span>`),
    ...cols.removed.map((n) => `<span class="minus">− <code>${esc(n)}</code></span>`),
    ...cols.retyped.map((r) => `<span>~ <code>${esc(r.name)}</code> ${esc(r.from)} → ${esc(r.to)}</span>`),
  ];
  const sqlChanged = c.before !== c.after;
  const sql = sqlChanged
    ? `<details ${c.status === 'added' || c.status === 'removed' ? '' : 'open'}><summary>SQL ${c.file ? esc(c.file) : ''}</summary>${sideBySideHtml(c.before, c.after)}</details>`
    : '';
  return `<article class="change s-${c.status}" id="${anchor(c.name)}" data-model="${esc(c.name)}" data-status="${c.status}"><h3>${esc(c.name)} <span class="badge s-${c.status} category">${esc(label)}</span></h3>
<p class="why">${esc(c.why)}</p>${colLine.length ? `<p class="cols">columns: ${colLine.join(' ')}</p>` : ''}${sql}</article>`;
}

function buildsHtml(review: Review): string {
  if (review.kind !== 'plan') return '';
  if (!review.builds.length) return `<section id="builds"><h2>Tables to build</h2><p>None: every table this environment needs exists.</p></section>`;
  const rows = review.builds.map(
    (b) =>
      `<tr data-model="${esc(b.model)}"><td class="mono">${esc(b.model)}</td><td class="mono">${esc(b.table)}</td><td>${esc(b.kind)}</td><td>${b.compute.map(esc).join('<br>') || '<span class="muted">whole table</span>'}</td><td class="num">${b.batches}</td><td>${b.restate.map(esc).join('<br>')}</td></tr>`,
  );
  return `<section id="builds"><h2>Tables to build (${review.builds.length})</h2><table class="grid"><tr><th>model</th><th>physical table</th><th>kind</th><th>intervals to fill</th><th>batches</th><th>restated</th></tr>${rows.join('')}</table></section>`;
}

function viewsHtml(review: Review): string {
  const v = review.views;
  if (!v) return '';
  const shared = v.rows.filter((r) => r.shared).length;
  const other = v.sharedWith ?? 'another environment';
  const rows = v.rows.map(
    (r) => `<tr data-model="${esc(r.model)}"><td class="mono">${esc(r.view)}</td><td class="mono">${esc(r.table)}</td><td class="${r.shared ? 'shared' : 'own'}">${r.shared ? `shared with ${esc(other)}` : 'own table'}</td></tr>`,
  );
  return `<section id="views"><h2>Environment ${esc(v.environment)}: ${v.rows.length} views</h2><p>${shared} read the same tables as ${esc(other)}; ${v.rows.length - shared} read tables of their own.</p><table class="grid"><tr><th>view</th><th>reads</th><th></th></tr>${rows.join('')}</table></section>`;
}
