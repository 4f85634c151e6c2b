import { unifiedDiff } from '../lifecycle/environment-diff.js';
import { STATUS_LABEL, type Review, type ReviewChange } from './review.js';
import { changeCountsLine, shortPlanHash } from '../governance/evidence-summary.js';
import { NO_EVIDENCE_RECORDED, trailTime, type ReviewTrail } from './approval-trail.js';

/**
 * A review as a compact pull-request comment: one table of changes, each SQL diff folded in
 * a `<details>`, the tables to build, and the data diffs where they were run.
 * @example renderMarkdown(buildReview({ kind: 'plan', ... }))
 */
export function renderMarkdown(review: Review): string {
  const out: string[] = [`### ${review.title}`, ''];
  out.push(summaryLine(review), '');
  for (const t of review.trails) out.push(...trailLines(t));
  if (review.changes.length) {
    out.push('| model | change | why |', '| --- | --- | --- |');
    for (const c of review.changes) out.push(`| \`${c.name}\` | ${label(c)} | ${cell(c.why)}${columnsNote(c)} |`);
    out.push('');
    for (const c of review.changes.filter((x) => x.before !== x.after && x.status !== 'indirect')) {
      const diff = unifiedDiff(`a/${c.file ?? c.name}`, `b/${c.file ?? c.name}`, c.before, c.after);
      out.push(`<details><summary>SQL diff: <code>${c.name}</code> (${label(c)})</summary>`, '', fence(diff, 'diff'), '', '</details>', '');
    }
    out.push('');
  } else {
    out.push('No model differs.', '');
  }
  if (review.kind === 'plan') {
    if (review.builds.length) {
      out.push(`**Tables to build (${review.builds.length})**`, '');
      for (const b of review.builds) {
        const work = [b.compute.length ? `compute ${b.compute.join(', ')} in ${b.batches} ${b.batches === 1 ? 'batch' : 'batches'}` : '', b.restate.length ? `restate ${b.restate.join(', ')}` : ''].filter(Boolean).join('; ');
        out.push(`- \`${b.model}\` → \`${b.table}\`${work ? `: ${work}` : ''}`);
      }
    } else {
      out.push('**Build nothing**: every table this environment needs exists.');
    }
    out.push('');
  }
  if (review.views) {
    const shared = review.views.rows.filter((r) => r.shared).length;
    out.push(`Environment \`${review.views.environment}\`: ${review.views.rows.length} views, ${shared} shared with ${review.views.sharedWith ?? 'another environment'}, ${review.views.rows.length - shared} on tables of their own.`, '');
  }
  if (review.tableDiffs.length) {
    out.push('**Data diff**', '', '| model | rows | matched | identical | different | lowest column match |', '| --- | --- | --- | --- | --- | --- |');
    for (const { model, entry } of review.tableDiffs) {
      if (entry.status !== 'diffed') {
        out.push(`| \`${model}\` | ${entry.status}: ${cell(entry.reason)} | | | | |`);
        continue;
      }
      const r = entry.result;
      const rows = r.rows;
      const lowest = rows?.columns.filter((c) => c.rate !== null).sort((x, y) => x.rate! - y.rate!)[0];
      out.push(
        `| \`${model}\` | ${r.a.rows} / ${r.b.rows} | ${rows?.matched ?? '-'} | ${rows?.identical ?? '-'} | ${rows ? rows.different + rows.onlyInA + rows.onlyInB : '-'} | ${lowest ? `\`${lowest.name}\` ${(lowest.rate! * 100).toFixed(1)}%` : r.refused ? cell(r.refused) : '-'} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Who wrote the plan, who approved it (or that nobody has yet), and what its evidence flagged. */
function trailLines(t: ReviewTrail): string[] {
  const out = [`**Plan \`${t.planId}\` for \`${t.environment}\`** written by ${t.author ?? 'unknown'}; ${t.approvals.length ? 'approved by:' : 'not approved yet.'}`, ''];
  for (const a of t.approvals) out.push(`- ${a.by}, ${trailTime(a.at)}${a.comment ? `: ${cell(a.comment)}` : ''}`);
  if (t.approvals.length) out.push('');
  const e = t.evidence;
  if (t.noEvidenceRecorded) out.push(`Evidence: ${NO_EVIDENCE_RECORDED}.`, '');
  if (e) out.push(`Changes: ${changeCountsLine(e.changes)}${e.planHash ? ` (approved plan file \`${shortPlanHash(e.planHash)}\`)` : ''}.`, '');
  if (e && !e.from) out.push('Evidence: no metrics (saved without `--evidence-from`).', '');
  if (e?.from) {
    out.push(`Evidence from \`${e.from}\`: ${e.measured} ${e.measured === 1 ? 'model' : 'models'} measured, ${e.flags.length} ${e.flags.length === 1 ? 'flag' : 'flags'}.`, '');
    if (e.notAsPlanned.length) out.push(`- ${e.from} does not hold the planned version of: ${e.notAsPlanned.map((m) => `\`${m}\``).join(', ')}`);
    for (const f of e.flags) out.push(`- ⚠ \`${f.model}\`: ${cell(f.message)}`);
    if (e.flags.length || e.notAsPlanned.length) out.push('');
    if (e.audits.length) {
      out.push(`| model | audits in ${e.from} |`, '| --- | --- |');
      for (const a of e.audits) out.push(`| \`${a.model}\` | ${a.failed ? '❌ ' : ''}${cell(a.text)} |`);
      out.push('');
    }
  }
  return out;
}

function summaryLine(review: Review): string {
  const count = (pred: (c: ReviewChange) => boolean) => review.changes.filter(pred).length;
  const direct = count((c) => c.status !== 'added' && c.status !== 'removed' && c.status !== 'indirect');
  const parts = [`${direct} directly modified`, `${count((c) => c.status === 'indirect')} indirectly modified`, `${count((c) => c.status === 'added')} added`, `${count((c) => c.status === 'removed')} removed`];
  if (review.kind === 'plan') parts.push(`${review.builds.length} ${review.builds.length === 1 ? 'table' : 'tables'} to build`);
  return `${review.a}${review.b ? ` compared with ${review.b}` : ''}: ${parts.join(' · ')} (${review.models.length} models)`;
}

function label(c: ReviewChange): string {
  return c.status === 'indirect' && c.effect ? `indirect (${c.effect})` : STATUS_LABEL[c.status];
}

function columnsNote(c: ReviewChange): string {
  const parts = [...c.columns.added.map((n) => `+${n}`), ...c.columns.removed.map((n) => `-${n}`), ...c.columns.retyped.map((r) => `~${r.name} ${r.from}→${r.to}`)];
  return parts.length ? ` (columns: ${cell(parts.join(', '))})` : '';
}

/** Text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A fenced block whose fence is longer than any run of backticks inside. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}
