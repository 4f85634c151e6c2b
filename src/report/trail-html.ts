import { changeCountsLine, shortPlanHash } from '../governance/evidence-summary.js';
import { NO_EVIDENCE_RECORDED, trailTime, type ReviewTrail } from './approval-trail.js';
import { esc } from './html.js';

/** The approvals section: per plan, who wrote it, who approved it when and why, and what its evidence flagged. */
export function trailsHtml(trails: readonly ReviewTrail[]): string {
  if (!trails.length) return '';
  return `<section id="approvals"><h2>Approvals</h2>${trails.map(trailHtml).join('\n')}</section>`;
}

function trailHtml(t: ReviewTrail): string {
  const approvals = t.approvals.length
    ? `<table class="grid"><tr><th>approved by</th><th>when</th><th>comment</th></tr>${t.approvals
        .map((a) => `<tr class="approval"><td>${esc(a.by)}</td><td class="mono">${esc(trailTime(a.at))}</td><td>${esc(a.comment ?? '')}</td></tr>`)
        .join('')}</table>`
    : `<p class="pending">Not approved yet.</p>`;
  return `<article class="trail" data-environment="${esc(t.environment)}" data-plan="${esc(t.planId)}"><h3>Plan ${esc(t.planId)} for ${esc(t.environment)}</h3>
<p>Written by <strong class="author">${esc(t.author ?? 'unknown')}</strong>.</p>${approvals}${evidenceHtml(t)}</article>`;
}

function evidenceHtml(t: ReviewTrail): string {
  const e = t.evidence;
  if (!e) return t.noEvidenceRecorded ? `<p class="evidence none muted">Evidence: ${esc(NO_EVIDENCE_RECORDED)}.</p>` : '';
  const file = e.planHash ? ` (approved plan file <code>${esc(shortPlanHash(e.planHash))}</code>)` : '';
  const changes = `<p class="changes">Changes: ${esc(changeCountsLine(e.changes))}${file}.</p>`;
  if (!e.from) return `${changes}<p class="evidence muted">No metrics: the plan was saved without --evidence-from.</p>`;
  const parts = [changes, `<p class="evidence">Evidence from <code>${esc(e.from)}</code>: ${e.measured} ${e.measured === 1 ? 'model' : 'models'} measured, ${e.flags.length} ${e.flags.length === 1 ? 'flag' : 'flags'}.</p>`];
  if (e.notAsPlanned.length) parts.push(`<p class="minus">${esc(e.from)} does not hold the planned version of: ${e.notAsPlanned.map((m) => `<code>${esc(m)}</code>`).join(', ')}</p>`);
  if (e.flags.length) parts.push(`<ul class="flags">${e.flags.map((f) => `<li class="flag" data-model="${esc(f.model)}"><code>${esc(f.model)}</code>: ${esc(f.message)}</li>`).join('')}</ul>`);
  if (e.audits.length) {
    parts.push(
      `<table class="grid audits"><tr><th>model</th><th>audits in ${esc(e.from)}</th></tr>${e.audits
        .map((a) => `<tr data-model="${esc(a.model)}" class="${a.failed ? 'minus' : ''}"><td class="mono">${esc(a.model)}</td><td>${esc(a.text)}</td></tr>`)
        .join('')}</table>`,
    );
  }
  return parts.join('');
}
