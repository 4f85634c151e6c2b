import type { EnvironmentRecord } from '../state/state-store.js';
import { esc } from './html.js';
import type { ModelDetails } from './model-details.js';
import { page } from './report-html.js';
import { highlightSqlLine } from './sql-highlight.js';

/** Links of the live UI, in one place so pages and graphs agree. */
export const uiLinks = {
  home: () => '/',
  plan: (env: string) => `/plan?env=${encodeURIComponent(env)}`,
  diff: (a: string, b: string) => `/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`,
  model: (env: string, name: string) => `/model?env=${encodeURIComponent(env)}&name=${encodeURIComponent(name)}`,
};

/** The navigation bar above every page: home, and the pick-two-environments form. */
export function uiNav(environments: readonly string[], selected: { a?: string; b?: string } = {}): string {
  const options = (pick?: string) => environments.map((e) => `<option${e === pick ? ' selected' : ''}>${esc(e)}</option>`).join('');
  return `<nav class="site"><a href="${esc(uiLinks.home())}"><b>planner</b></a>
<form class="pick" method="get" action="/diff"><label>diff <select name="a">${options(selected.a)}</select></label><label>with <select name="b">${options(selected.b ?? 'prod')}</select></label><button type="submit">compare</button></form></nav>`;
}

/** The home page: every environment, with links to its plan against the local project and its models. */
export function homePage(project: string, environments: readonly EnvironmentRecord[]): string {
  const names = environments.map((e) => e.name);
  const rows = environments.map((e) => {
    const models = Object.keys(e.snapshots).length;
    const firstModel = Object.keys(e.snapshots).sort()[0];
    return `<tr data-environment="${esc(e.name)}"><td class="mono">${esc(e.name)}</td><td class="num">${models}</td><td class="num">${e.views.length}</td><td>${e.createdFrom ? esc(e.createdFrom) : ''}</td><td>${new Date(e.updatedAt).toISOString()}</td><td>${e.expiresAt ? new Date(e.expiresAt).toISOString() : 'never'}</td>
<td><a href="${esc(uiLinks.plan(e.name))}">plan the local project</a>${firstModel ? ` · <a href="${esc(uiLinks.model(e.name, firstModel))}">models</a>` : ''}${e.name !== 'prod' && names.includes('prod') ? ` · <a href="${esc(uiLinks.diff(e.name, 'prod'))}">diff with prod</a>` : ''}</td></tr>`;
  });
  const body = environments.length
    ? `<table class="grid"><tr><th>environment</th><th>models</th><th>views</th><th>created from</th><th>updated</th><th>expires</th><th></th></tr>${rows.join('')}</table>`
    : `<p>No environment exists yet: <a href="${esc(uiLinks.plan('prod'))}">see the plan for prod</a>.</p>`;
  return page(`planner: ${project}`, `${uiNav(names)}<header class="top"><h1>${esc(project)}</h1><span class="sub">read-only: this UI plans and compares, it never applies</span></header><main><h2>Environments</h2>${body}</main>`);
}

/** One model of one environment: its SQL, lineage links, table, intervals and last build. */
export function modelPage(d: ModelDetails, environments: readonly string[], models: readonly string[]): string {
  const s = d.snapshot;
  const link = (n: string) => `<a class="mono" href="${esc(uiLinks.model(d.environment, n))}">${esc(n)}</a>`;
  const facts: [string, string][] = [
    ['kind', esc(s.model.kind.name)],
    ['file', `<code>${esc(s.model.file)}</code>`],
    ['view', d.view ? `<code>${esc(d.view)}</code>` : '<span class="muted">none in this environment</span>'],
    ['physical table', `<code>${esc(d.table)}</code>`],
    ['version', `<code>${esc(s.version)}</code>`],
    ['last built', d.builtAt ? new Date(d.builtAt).toISOString() : '<span class="muted">not built</span>'],
    ['intervals', d.intervals.map(esc).join('<br>') || '<span class="muted">none recorded</span>'],
    ['owner', esc(s.model.owner ?? '')],
    ['cron', esc(s.model.cron)],
    ['upstream', d.parents.map(link).join(', ') || '<span class="muted">none</span>'],
    ['downstream', d.children.map(link).join(', ') || '<span class="muted">none</span>'],
  ];
  const sql = s.model.source.split('\n').map((line, i) => `<tr><td class="ln">${i + 1}</td><td class="code">${highlightSqlLine(line) || ' '}</td></tr>`).join('');
  const picker = `<form class="pick" method="get" action="/model"><input type="hidden" name="env" value="${esc(d.environment)}"><select name="name">${models.map((m) => `<option${m === s.name ? ' selected' : ''}>${esc(m)}</option>`).join('')}</select><button type="submit">open</button></form>`;
  return page(
    `${s.name} in ${d.environment}`,
    `${uiNav(environments)}<header class="top"><h1 class="mono">${esc(s.name)}</h1><span class="sub">in environment ${esc(d.environment)}</span>${picker}</header><main>
<table class="grid facts">${facts.map(([k, v]) => `<tr><th>${k}</th><td data-fact="${k}">${v}</td></tr>`).join('')}</table>
<h2>SQL</h2><table class="sbs"><colgroup><col class="ln"><col></colgroup><tbody>${sql}</tbody></table></main>`,
  );
}

/** A page for a request that could not be answered. */
export function errorPage(status: number, message: string, hint?: string): string {
  return page(`planner: ${status}`, `<nav class="site"><a href="/"><b>planner</b></a></nav><header class="top"><h1>${status === 404 ? 'Not found' : 'Cannot show this'}</h1></header><main><p class="error">${esc(message)}</p>${hint ? `<p class="muted">${esc(hint)}</p>` : ''}</main>`);
}
