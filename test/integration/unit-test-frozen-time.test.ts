import { describe, expect, it } from 'vitest';
import { engineCases, projectsOn, runCli } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

// Current-time expressions in every form, and look-alikes that must stay as written.
const COLORS = `MODEL (name shop.colors, kind FULL);
SELECT
  'Yellow' AS color,
  CURRENT_TIMESTAMP AS created_at,
  CURRENT_DATE AS day,
  now() AS at_now,
  'CURRENT_DATE' AS label, -- CURRENT_DATE in a comment
  @execution_ds AS run_ds`;

const TEST = (executionTime: string) => `test_colors:
  model: shop.colors
  outputs:
    query:
      - {color: Yellow, created_at: "2023-01-01 10:05:03", day: 2023-01-01, at_now: "2023-01-01 10:05:03", label: CURRENT_DATE, run_ds: 2023-01-01}
  vars:
    execution_time: "${executionTime}"
`;

for (const engine of engineCases(await postgresServer())) {
  describe.skipIf(!engine.available)(`unit tests freeze time at vars.execution_time (${engine.name} dialect)`, () => {
    const projects = projectsOn(engine);

    it('CURRENT_TIMESTAMP, CURRENT_DATE and now() return execution_time, normalized to UTC as in SQLMesh', async () => {
      const p = await projects.setup({ 'models/shop/colors.sql': COLORS, 'tests/test_colors.yaml': TEST('2023-01-01 12:05:03+02:00') });
      const r = await runCli(['test', '-p', p.project.dir]);
      expect(r.text).toContain('PASS test_colors');
      expect(r.code).toBe(0);
      // Without a zone the time is UTC; an hour later, every current-time column moves with it.
      p.project.write('tests/test_colors.yaml', TEST('2023-01-01 11:05:03'));
      const later = await runCli(['test', '-p', p.project.dir]);
      expect(later.code).toBe(1);
      expect(later.text).toContain('    + color="Yellow", created_at="2023-01-01 11:05:03", day="2023-01-01", at_now="2023-01-01 11:05:03", label="CURRENT_DATE", run_ds="2023-01-01"');
    });
  });
}
