import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planReview } from '../../src/report/gather-review.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderReport } from '../../src/report/report-html.js';
import { PgTestDatabase, pgProject, postgresServer } from '../helpers/postgres.js';
import { ROOT, TempProject } from '../helpers/project.js';

const server = await postgresServer();

/** Plans `environment` of a project, writes its report and summary, and checks every model is in both. */
async function reportEveryModel(p: TempProject, environment: string) {
  const plan = await p.with((ctx) => ctx.plan(environment));
  const review = await p.with((ctx) => planReview(ctx.state, plan));
  const html = await renderReport(review);
  const markdown = renderMarkdown(review);
  const models = Object.keys(plan.target);
  expect(models.length).toBeGreaterThan(0);
  for (const m of models) {
    expect(html).toContain(`data-model="${m}" data-schema=`);
    expect(markdown).toContain(`| \`${m}\` | added |`);
  }
  expect(html.match(/<g class="node /g)).toHaveLength(models.length);
  expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
}

describe('a report is written for every example plan', () => {
  const projects: TempProject[] = [];
  afterAll(() => projects.forEach((p) => p.remove()));
  const cases: [string, string, string][] = [
    ['the demo', ROOT, 'prod'],
    ['examples/incremental', join(ROOT, 'examples/incremental'), 'prod'],
    ['examples/multi-tenant (acme)', join(ROOT, 'examples/multi-tenant'), 'acme'],
  ];
  for (const [label, dir, env] of cases) {
    it(label, async () => {
      const p = new TempProject(dir);
      projects.push(p);
      await reportEveryModel(p, env);
    }, 60_000);
  }

  it.skipIf(!server.available)(`examples/postgres-team${server.note}`, async () => {
    const db = await PgTestDatabase.create();
    const p = pgProject(db, join(ROOT, 'examples/postgres-team'), ['models', 'seeds']);
    try {
      await reportEveryModel(p, 'prod');
    } finally {
      p.remove();
      await db.drop();
    }
  }, 60_000);
});
