import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { engineCases, projectsOn, runCli } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

// Values that must come back exactly: a timestamp's fraction, a date, a decimal of six
// places, NULL, a quote in text, a boolean.
const EVENTS = `MODEL (name raw.events, kind FULL);
SELECT * FROM (VALUES
  (1, CAST('2024-01-02 03:04:05.25' AS TIMESTAMP), CAST('2024-01-02' AS DATE), CAST(1234.567891 AS DECIMAL(18, 6)), CAST(NULL AS VARCHAR), 'it''s', TRUE),
  (2, CAST('2024-03-04 00:00:00' AS TIMESTAMP), CAST('2024-03-04' AS DATE), CAST(0.5 AS DECIMAL(18, 6)), 'late', 'plain', FALSE)
) AS v (id, ts, d, amount, note, label, flag)`;

const SUMMARY = `MODEL (name shop.event_summary, kind FULL, grain id);
WITH kept AS (
  SELECT id, ts, d, amount, note, label, flag FROM raw.events WHERE amount >= @VAR('min_amount', 0)
)
SELECT id, ts, d, amount * 2 AS doubled, note, label, flag, CAST(@start_ds AS DATE) AS start_day FROM kept`;

for (const engine of engineCases(await postgresServer())) {
  describe.skipIf(!engine.available)(`planner test --create (${engine.name})`, () => {
    const projects = projectsOn(engine);

    it('writes a test from the environment\'s rows that passes as written, with values that round-trip; refuses to overwrite', async () => {
      const p = await projects.setup({ 'models/raw/events.sql': EVENTS, 'models/shop/event_summary.sql': SUMMARY });
      const dir = p.project.dir;
      expect((await runCli(['plan', '--yes', '-p', dir, '--progress', 'none'])).code).toBe(0);

      const created = await runCli(['test', '--create', 'shop.event_summary', '--include-ctes', '--var', 'start', '2024-01-01', '--var', 'end', '2024-01-31', '-p', dir]);
      expect(created.text).toContain('Wrote tests/test_event_summary.yaml: test test_event_summary with 2 rows of raw.events; the model returns 2 rows.');
      expect(created.text).toContain('PASS test_event_summary (tests/test_event_summary.yaml:1, model shop.event_summary)');
      expect(created.code).toBe(0);
      const written = parse(p.project.read('tests/test_event_summary.yaml'));
      const input = written.test_event_summary.inputs['raw.events'];
      expect(input.columns).toMatchObject({ id: 'INTEGER', ts: 'TIMESTAMP', d: 'DATE', note: 'VARCHAR', flag: 'BOOLEAN' });
      expect(input.rows).toEqual([
        { id: 1, ts: '2024-01-02 03:04:05.25', d: '2024-01-02', amount: 1234.567891, note: null, label: "it's", flag: true },
        { id: 2, ts: '2024-03-04 00:00:00', d: '2024-03-04', amount: 0.5, note: 'late', label: 'plain', flag: false },
      ]);
      expect(written.test_event_summary.vars).toEqual({ start: '2024-01-01', end: '2024-01-31' });
      expect(written.test_event_summary.outputs.ctes.kept).toHaveLength(2);
      expect(written.test_event_summary.outputs.query.map((r: Record<string, unknown>) => [r.id, r.ts, r.doubled, r.note, r.start_day])).toEqual([
        [1, '2024-01-02 03:04:05.25', 2469.135782, null, '2024-01-01'],
        [2, '2024-03-04 00:00:00', 1, 'late', '2024-01-01'],
      ]);

      const again = await runCli(['test', '--create', 'shop.event_summary', '-p', dir]);
      expect(again.code).toBe(2);
      expect(again.text).toContain('error: tests/test_event_summary.yaml already exists');
      expect(again.text).toContain('hint: pass --overwrite to replace it');
      expect((await runCli(['test', '--create', 'shop.event_summary', '--overwrite', '--limit', '1', '-p', dir])).code).toBe(0);
      expect(parse(p.project.read('tests/test_event_summary.yaml')).test_event_summary.inputs['raw.events'].rows).toHaveLength(1);
    });

    it('takes a query per parent, vars, a name and a path; the whole suite then passes', async () => {
      const p = await projects.setup({ 'models/raw/events.sql': EVENTS, 'models/shop/event_summary.sql': SUMMARY });
      const dir = p.project.dir;
      expect((await runCli(['plan', '--yes', '-p', dir, '--progress', 'none'])).code).toBe(0);
      const r = await runCli(['test', '--create', 'shop.event_summary', '--query', 'raw.events', 'SELECT * FROM raw.events WHERE id = 2', '--var', 'min_amount', '0.25', '--name', 'test_late_event', '--path', 'events/late', '-p', dir]);
      expect(r.text).toContain('Wrote tests/events/late.yaml: test test_late_event with 1 row of raw.events; the model returns 1 row.');
      expect(r.code).toBe(0);
      const written = parse(p.project.read('tests/events/late.yaml'));
      expect(written.test_late_event.vars).toEqual({ min_amount: 0.25 });
      expect(written.test_late_event.outputs.query).toEqual([{ id: 2, ts: '2024-03-04 00:00:00', d: '2024-03-04', doubled: 1, note: 'late', label: 'plain', flag: false, start_day: expect.any(String) }]);
      expect(written.test_late_event.outputs.ctes).toBeUndefined();
      const all = await runCli(['test', '-p', dir]);
      expect(all.text).toContain('Ran 1 test: 1 passed, 0 failed.');
    });

    it('refuses an unknown model or parent with the closest name, exit 2, writing nothing', async () => {
      const p = await projects.setup({ 'models/raw/events.sql': EVENTS, 'models/shop/event_summary.sql': SUMMARY });
      const dir = p.project.dir;
      const model = await runCli(['test', '--create', 'shop.event_sumary', '-p', dir]);
      expect(model.code).toBe(2);
      expect(model.text).toContain("error: unknown model 'shop.event_sumary' (did you mean shop.event_summary?");
      const parent = await runCli(['test', '--create', 'shop.event_summary', '--query', 'raw.event', 'SELECT 1', '-p', dir]);
      expect(parent.code).toBe(2);
      expect(parent.text).toContain('error: --query raw.event: shop.event_summary does not read raw.event (did you mean raw.events?');
      expect(existsSync(p.project.path('tests'))).toBe(false);
    });
  });
}
