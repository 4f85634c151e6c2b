import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, type EngineProject } from '../helpers/engines.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

// One model reads the list variable `regions` (@EACH over @VAR's array, x IN the tuple @regions,
// and the array printed as SQL: DuckDB ['eu', 'us'], PostgreSQL ARRAY['eu', 'us'], both 1-indexed);
// another reads only the scalar `factor`: a changed list element must move the first alone.
const REGIONS = `MODEL (name core.by_region, kind FULL);
SELECT s.region, (@VAR('regions'))[1] AS first_region, @EACH(@VAR('regions'), r -> CASE WHEN s.region = @r THEN 1 ELSE 0 END AS is_@r)
FROM (VALUES ('eu'), ('us'), ('apac')) AS s(region)
WHERE s.region IN @regions`;
const SCALED = `MODEL (name core.scaled, kind FULL);
SELECT 2 * @VAR('factor') AS n`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`list config variables on ${engine.name}`, () => {
    let e: EngineProject;
    const withVariables = (regions: string[]) => {
      const variables = `variables: { regions: ${JSON.stringify(regions)}, factor: 3 },`;
      const base = e.project.read('planner.config.ts').replace(/\n {2}variables: .*\n/, '\n');
      e.project.write('planner.config.ts', base.replace('export default {', `export default {\n  ${variables}`));
    };
    beforeEach(async () => {
      e = await engine.setup(undefined, []);
      mkdirSync(e.project.path('models'));
      e.project.write('models/by_region.sql', REGIONS);
      e.project.write('models/scaled.sql', SCALED);
    });
    afterEach(() => e.cleanup());

    it('builds the rows the list says, and a changed element changes that model\'s fingerprint only', async () => {
      withVariables(['eu', 'us']);
      const first = await e.project.planAndApply('prod');
      const rows = await e.sql('SELECT region, first_region, is_eu, is_us FROM core.by_region ORDER BY region');
      expect(rows.map((r) => [r.region, r.first_region, Number(r.is_eu), Number(r.is_us)])).toEqual([
        ['eu', 'eu', 1, 0],
        ['us', 'eu', 0, 1],
      ]);
      expect((await e.sql('SELECT n FROM core.scaled')).map((r) => Number(r.n))).toEqual([6]);

      withVariables(['eu', 'apac']);
      const second = await e.project.planAndApply('prod');
      const fingerprint = (plan: typeof first.plan, name: string) => plan.snapshots[plan.target[name]].fingerprint;
      expect(fingerprint(second.plan, 'core.by_region')).not.toEqual(fingerprint(first.plan, 'core.by_region'));
      expect(fingerprint(second.plan, 'core.scaled')).toEqual(fingerprint(first.plan, 'core.scaled'));
      expect(second.plan.directlyModified).toEqual([{ name: 'core.by_region', category: 'breaking' }]);
      const changed = await e.sql('SELECT region, is_eu, is_apac FROM core.by_region ORDER BY region');
      expect(changed.map((r) => [r.region, Number(r.is_eu), Number(r.is_apac)])).toEqual([
        ['apac', 0, 1],
        ['eu', 1, 0],
      ]);
    });
  });
}
