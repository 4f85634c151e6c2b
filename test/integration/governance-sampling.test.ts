import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli, type EngineProject } from '../helpers/engines.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';
import type { TempProject } from '../helpers/project.js';

const server = await postgresServer();

/** Gives `dev_*` the sampling policy, on the DuckDB config (no environments yet) and the PostgreSQL one. */
function sampleDev(project: TempProject, fraction: number): void {
  const rule = `environments: { prod: { protected: true }, 'dev_*': { ttl: '7d', policies: { sampling: ${fraction} } } },`;
  const text = project.read('planner.config.ts');
  if (text.includes('environments:')) project.edit('planner.config.ts', /environments: .*\n/, `${rule}\n`);
  else project.edit('planner.config.ts', /(modelDefaults: .*\n)/, `$1  ${rule}\n`);
}

/** What the sample must hold, computed here: ids whose md5 starts below `fraction` of 2^32. */
function expectedSample(ids: number[], fraction: number): number[] {
  return ids.filter((id) => parseInt(createHash('md5').update(String(id)).digest('hex').slice(0, 8), 16) < Math.round(fraction * 2 ** 32));
}

const ids = (rows: Record<string, unknown>[], column = 'id') => rows.map((r) => Number(r[column])).sort((a, b) => a - b);

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`sampled environments on ${engine.name}`, () => {
    let e: EngineProject;
    const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
    const count = async (table: string) => Number((await e.sql(`SELECT count(*) AS n FROM ${table}`))[0].n);
    beforeEach(async () => {
      e = await engine.setup();
      sampleDev(e.project, 0.5);
      await e.project.planAndApply('prod');
    });
    afterEach(() => e.cleanup());

    it("builds the environment from the rows whose grain hashes below the fraction, into tables of its own; prod's tables and plans are untouched", async () => {
      const prodTables = (await e.objects()).filter((o) => o.startsWith('planner__'));
      const all = ids(await e.sql('SELECT id FROM raw.customers'));
      const planned = await cli('plan', 'dev_s', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);
      expect(planned.text).toContain('Environment dev_s is sampled: its models read 50% of each SEED and EXTERNAL source (the rows chosen by the hash of their grain), into tables of their own.');
      expect(ids(await e.sql('SELECT customer_id FROM staging__dev_s.customers'), 'customer_id')).toEqual(expectedSample(all, 0.5));
      expect(await count('staging.customers')).toBe(all.length);
      // Every table it built is new: prod's are all still there, and none of them is dev_s's.
      const after = (await e.objects()).filter((o) => o.startsWith('planner__'));
      expect(after).toEqual(expect.arrayContaining(prodTables));
      expect(after.length).toBeGreaterThan(prodTables.length);
      const devIds = Object.values(JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'dev_s'`))[0].payload)).snapshots as Record<string, string>);
      const prodIds = Object.values(JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = 'prod'`))[0].payload)).snapshots as Record<string, string>);
      expect(devIds.filter((id) => id.startsWith('staging.') && prodIds.includes(id))).toEqual([]);
      // Prod planned from the same project sees nothing to do: sampled versions never reach it.
      expect((await cli('plan', 'prod', '--dry-run')).text).toContain('No changes');
    });

    it('refuses a sampled environment as evidence for prod (exit 2), writing no file', async () => {
      breakOrderTotals(e.project);
      expect((await cli('plan', 'dev_s', '--auto-apply')).code).toBe(0);
      const file = e.project.path('release.json');
      const refused = await cli('plan', 'prod', '--out', file, '--evidence-from', 'dev_s');
      expect(refused.code).toBe(2);
      expect(refused.text).toContain("environment 'dev_s' is sampled (50% of each source), so it is no evidence for 'prod'");
      expect(existsSync(file)).toBe(false);
    });

    it("refuses an unsampled environment that would keep a sampled environment's tables (exit 1), creating nothing", async () => {
      expect((await cli('plan', 'dev_s', '--auto-apply')).code).toBe(0);
      const before = await e.objects();
      // analytics.customers reads no source itself: its table is from samples through its parents.
      const refused = await cli('plan', 'review_y', '--create-from', 'dev_s', '--exclude', 'analytics.customers', '--auto-apply');
      expect(refused.code).toBe(1);
      expect(refused.text).toContain("environment 'review_y' is not sampled, but the plan would keep dev_s's tables built from samples for analytics.customers; nothing was planned");
      expect(await e.sql(`SELECT name FROM planner_state.environments WHERE name = 'review_y'`)).toEqual([]);
      expect(await e.objects()).toEqual(before);
      // From prod, the same exclusion keeps prod's full tables.
      expect((await cli('plan', 'review_y', '--exclude', 'analytics.customers', '--auto-apply')).code).toBe(0);
    });

    it('refuses sampling as anything but a fraction between 0 and 1 (exit 2)', async () => {
      sampleDev(e.project, 2);
      const refused = await cli('plan', 'dev_s', '--dry-run');
      expect(refused.code).toBe(2);
      expect(refused.text).toContain('a fraction of the rows above 0 and below 1 (0.01 reads 1%)');
    });
  });

  describe.skipIf(!engine.available)(`sampling a fraction of large sources on ${engine.name}`, () => {
    const projects = projectsOn(engine);
    const SEED_ROWS = 2000;
    const EXTERNAL_ROWS = 3000;
    const FRACTION = 0.1;

    it('reads about the fraction of a SEED and an EXTERNAL source, the same rows on every build', async () => {
      const csv = ['id,name', ...Array.from({ length: SEED_ROWS }, (_, i) => `${i + 1},person ${i + 1}`)].join('\n');
      const e = await projects.setup({
        'seeds/people.csv': `${csv}\n`,
        'models/raw/people.sql': "MODEL (name raw.people, kind SEED (path '../../seeds/people.csv'), grain id, columns (id INTEGER, name TEXT));",
        'models/ext/events.sql': 'MODEL (name ext.events, kind EXTERNAL, grain id);',
        'models/core/people.sql': 'MODEL (name core.people, kind FULL);\nSELECT id, name FROM raw.people',
        'models/core/events.sql': 'MODEL (name core.events, kind FULL);\nSELECT id, kind FROM ext.events',
      });
      sampleDev(e.project, FRACTION);
      await e.sql(`CREATE SCHEMA ext`);
      await e.sql(`CREATE TABLE ext.events AS SELECT g AS id, 'click' AS kind FROM generate_series(1, ${EXTERNAL_ROWS}) AS t(g)`);
      const cli = (...args: string[]) => runCli([...args, '--skip-tests', '-p', e.project.dir]);
      expect((await cli('plan', 'prod', '--auto-apply')).code).toBe(0);
      const planned = await cli('plan', 'dev_s', '--auto-apply');
      expect(planned.code, planned.text).toBe(0);

      const people = ids(await e.sql('SELECT id FROM core__dev_s.people'));
      const events = ids(await e.sql('SELECT id FROM core__dev_s.events'));
      // Binomial bounds more than four standard deviations wide: a sample outside them is a bug.
      for (const [got, total] of [[people, SEED_ROWS], [events, EXTERNAL_ROWS]] as const) {
        const mean = total * FRACTION;
        const sd = Math.sqrt(total * FRACTION * (1 - FRACTION));
        expect(got.length).toBeGreaterThan(mean - 4.5 * sd);
        expect(got.length).toBeLessThan(mean + 4.5 * sd);
      }
      const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      expect(people).toEqual(expectedSample(range(SEED_ROWS), FRACTION));
      expect(events).toEqual(expectedSample(range(EXTERNAL_ROWS), FRACTION));
      expect(Number((await e.sql('SELECT count(*) AS n FROM core.events'))[0].n)).toBe(EXTERNAL_ROWS);

      // A breaking edit rebuilds both tables in dev_s: from the very same rows.
      e.project.edit('models/core/people.sql', 'FROM raw.people', 'FROM raw.people WHERE id > 0');
      e.project.edit('models/core/events.sql', 'FROM ext.events', 'FROM ext.events WHERE id > 0');
      const rebuilt = await cli('plan', 'dev_s', '--auto-apply');
      expect(rebuilt.code, rebuilt.text).toBe(0);
      expect(rebuilt.text).toMatch(/core\.people/);
      expect(ids(await e.sql('SELECT id FROM core__dev_s.people'))).toEqual(people);
      expect(ids(await e.sql('SELECT id FROM core__dev_s.events'))).toEqual(events);
    });
  });
}
