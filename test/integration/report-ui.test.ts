import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUi, type RunningUi } from '../../src/cli/commands/ui.js';
import { everything } from '../helpers/lifecycle-fixtures.js';
import { TempProject } from '../helpers/project.js';

/** `planner ui` on 127.0.0.1 with a free port: bounded requests, then the server is stopped. */
describe('planner ui', () => {
  let p: TempProject;
  let ui: RunningUi;
  const get = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(path, ui.url), { ...init, signal: AbortSignal.timeout(60_000) });
    return { status: res.status, html: await res.text() };
  };
  beforeAll(async () => {
    p = new TempProject();
    await p.planAndApply('prod');
    p.edit('models/analytics/customers.sql', "status = 'completed' THEN revenue", "status IN ('completed', 'pending') THEN revenue");
    await p.planAndApply('dev');
    ui = await startUi({ project: p.dir, port: 0 });
  }, 90_000);
  afterAll(async () => {
    await ui?.close();
    p?.remove();
  });

  it('serves environments, a diff of two, a model page and a plan, and changes nothing in the warehouse or state', async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const before = await everything(p);

    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.html).toContain('<tr data-environment="dev">');
    expect(home.html).toContain('<tr data-environment="prod">');
    expect(home.html).toContain('<form class="pick" method="get" action="/diff">');

    const diff = await get('/diff?a=dev&b=prod');
    expect(diff.status).toBe(200);
    expect(diff.html).toContain('<article class="change s-breaking" id="m-analytics-customers"');
    expect(diff.html).toContain('data-href="/model?env=dev&#38;name=analytics.customers"');

    const model = await get('/model?env=dev&name=analytics.customers');
    expect(model.status).toBe(200);
    expect(model.html).toMatch(/<td data-fact="physical table"><code>planner__analytics\.analytics__customers__\w+<\/code>/);
    expect(model.html).toMatch(/<td data-fact="last built">\d{4}-\d\d-\d\dT/);
    expect(model.html).toContain('<td data-fact="upstream"><a class="mono" href="/model?env=dev&#38;name=analytics.order_totals">');
    expect(model.html).toContain('<span class="k">IN</span>');

    const plan = await get('/plan?env=prod');
    expect(plan.status).toBe(200);
    expect(plan.html).toContain('<article class="change s-breaking" id="m-analytics-customers"');

    expect((await get('/', { method: 'POST' })).status).toBe(405);
    const unknown = await get('/model?env=nope&name=analytics.customers');
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('unknown environment');
    expect((await get('/model?env=dev&name=analytics.nothing')).status).toBe(404);
    expect((await get('/nowhere')).status).toBe(404);

    expect(await everything(p)).toEqual(before);
  }, 120_000);
});
