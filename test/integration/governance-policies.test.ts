import { existsSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCases, runCli, type EngineProject } from '../helpers/engines.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';
import { TempProject } from '../helpers/project.js';

const config = (policies: string) => `export default {
  gateways: {
    local: { type: 'duckdb', path: '.planner/warehouse.duckdb' },
    sandbox: { type: 'duckdb', path: '.planner/sandbox.duckdb' },
  },
  defaultGateway: 'local',
  modelDefaults: { dialect: 'duckdb', start: '2024-01-01', cron: '@daily' },
  environments: { prod: { protected: true }, 'dev_*': { policies: ${policies} } },
};
`;

describe('environment policies', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('allowedGateways: a dev environment on a gateway its policy does not list is refused (exit 2) before it is planned, and allowed on a listed gateway', async () => {
    p.write('planner.config.ts', config(`{ allowedGateways: ['sandbox'] }`));
    const refused = await runCli(['plan', 'dev_alice', '--auto-apply', '-p', p.dir]);
    expect(refused.code).toBe(2);
    expect(refused.text).toContain("environment 'dev_alice' may not use gateway 'local': its policy allows 'sandbox'");
    expect(refused.text).toContain("environments.dev_*.policies.allowedGateways");

    const allowed = await runCli(['plan', 'dev_alice', '--auto-apply', '--gateway', 'sandbox', '-p', p.dir]);
    expect(allowed.code).toBe(0);
    expect(existsSync(p.path('.planner/sandbox.duckdb'))).toBe(true);
    const rows = await p.with(async (ctx) => (await ctx.engine.query(`SELECT count(*) AS n FROM planner_state.environments WHERE name = 'dev_alice'`)).rows, { gateway: 'sandbox' });
    expect(Number(rows[0].n)).toBe(1);
    // prod has no policy: the default gateway serves it.
    expect((await runCli(['plan', '--auto-apply', '-p', p.dir])).code).toBe(0);
  });

  it('a policy naming an unknown gateway, or a bad limit, is a config error (exit 2)', async () => {
    p.write('planner.config.ts', config(`{ allowedGateways: ['nowhere'] }`));
    const unknown = await runCli(['plan', 'dev_x', '-p', p.dir, '--dry-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain("config key 'environments.dev_*.policies.allowedGateways' names unknown gateway 'nowhere'");
    p.write('planner.config.ts', config(`{ maxRowsPerModel: -3 }`));
    const bad = await runCli(['plan', 'dev_x', '-p', p.dir, '--dry-run']);
    expect(bad.code).toBe(2);
    expect(bad.text).toContain("config key 'environments.dev_*.policies.maxRowsPerModel' must be a whole number of rows");
  });
});

const server = await postgresServer();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`maxRowsPerModel on ${engine.name}`, () => {
    let e: EngineProject;
    beforeEach(async () => {
      e = await engine.setup();
      e.project.edit('planner.config.ts', "'dev_*': { ttl: '7d' }", "'dev_*': { ttl: '7d', policies: { maxRowsPerModel: 50 } }");
      await e.project.planAndApply('prod');
    });
    afterEach(() => e.cleanup());

    it('rolls back a build over the limit before it is recorded or promoted; prod, without the policy, builds it', async () => {
      const tables = async () => (await e.objects()).filter((o) => o.startsWith('planner__analytics.'));
      const before = { tables: await tables(), built: await e.sql('SELECT count(*) AS n FROM planner_state.physical_tables') };
      breakOrderTotals(e.project);
      const refused = await runCli(['plan', 'dev_x', '--auto-apply', '--skip-tests', '-p', e.project.dir]);
      expect(refused.code).toBe(1);
      expect(refused.text).toMatch(/analytics\.order_totals would hold 74 rows, over the environment's limit of 50 \(policies\.maxRowsPerModel\)/);
      expect(await tables()).toEqual(before.tables);
      expect(await e.sql('SELECT count(*) AS n FROM planner_state.physical_tables')).toEqual(before.built);
      expect(Number((await e.sql(`SELECT count(*) AS n FROM planner_state.environments WHERE name = 'dev_x'`))[0].n)).toBe(0);
      expect((await runCli(['plan', '--auto-apply', '--skip-tests', '-p', e.project.dir])).code).toBe(0);
    });
  });
}

// 10^10 rows to multiply: minutes on any machine, so a limit of a few milliseconds always cuts it.
const SLOW_MODEL = `MODEL (name analytics.slow_total, kind FULL);
SELECT sum(a.x * b.y) AS total FROM generate_series(1, 100000) AS a(x) CROSS JOIN generate_series(1, 100000) AS b(y)
`;

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`maxBuildMinutes on ${engine.name}`, () => {
    let e: EngineProject;
    beforeEach(async () => {
      e = await engine.setup();
      e.project.edit('planner.config.ts', "'dev_*': { ttl: '7d' }", "'dev_*': { ttl: '7d', policies: { maxBuildMinutes: 0.0001 } }");
      await e.project.planAndApply('prod');
    });
    afterEach(() => e.cleanup());

    it('cancels a build past the limit: exit 1, nothing built, recorded or promoted; state stays consistent for the next apply', async () => {
      const tables = async () => (await e.objects()).filter((o) => o.startsWith('planner__analytics.'));
      const built = () => e.sql('SELECT count(*) AS n FROM planner_state.physical_tables');
      const before = { tables: await tables(), built: await built() };
      e.project.write('models/analytics/slow_total.sql', SLOW_MODEL);
      const refused = await runCli(['plan', 'dev_x', '--auto-apply', '--skip-tests', '-p', e.project.dir]);
      expect(refused.code, refused.text).toBe(1);
      expect(refused.text).toContain("analytics.slow_total ran past the environment's limit of 0.0001 minutes per build (policies.maxBuildMinutes): it was cancelled and rolled back, and nothing was recorded or promoted");
      expect(await tables()).toEqual(before.tables);
      expect(await built()).toEqual(before.built);
      expect(Number((await e.sql(`SELECT count(*) AS n FROM planner_state.environments WHERE name = 'dev_x'`))[0].n)).toBe(0);

      rmSync(e.project.path('models/analytics/slow_total.sql'));
      e.project.edit('planner.config.ts', 'maxBuildMinutes: 0.0001', 'maxBuildMinutes: 10');
      breakOrderTotals(e.project);
      const applied = await runCli(['plan', 'dev_x', '--auto-apply', '--skip-tests', '-p', e.project.dir]);
      expect(applied.code, applied.text).toBe(0);
      expect(Number((await e.sql(`SELECT count(*) AS n FROM planner_state.environments WHERE name = 'dev_x'`))[0].n)).toBe(1);
    });

    it('holds planner run to the limit too: a due interval past it is cancelled, nothing recorded; the next run within a new limit fills it', async () => {
      // Slow only for intervals ending after 2024-01-05, so the apply (to 2024-01-03) is quick and the run is not.
      const size = `CASE WHEN @end_ds > '2024-01-05' THEN 100000 ELSE 1 END`;
      e.project.write('models/analytics/slow_daily.sql', `MODEL (name analytics.slow_daily, kind INCREMENTAL_BY_TIME_RANGE (time_column ds));
SELECT CAST(@start_ds AS DATE) AS ds, sum(a.x * b.y) AS total FROM generate_series(1, ${size}) AS a(x) CROSS JOIN generate_series(1, ${size}) AS b(y)
`);
      e.project.edit('planner.config.ts', 'maxBuildMinutes: 0.0001', 'maxBuildMinutes: 10');
      const applied = await runCli(['plan', 'dev_x', '--auto-apply', '--skip-tests', '--execution-time', '2024-01-03', '-p', e.project.dir]);
      expect(applied.code, applied.text).toBe(0);
      const intervals = () => e.sql(`SELECT start_ms, end_ms FROM planner_state.intervals WHERE name = 'analytics.slow_daily' ORDER BY start_ms`);
      const before = await intervals();
      expect(before.length).toBeGreaterThan(0);

      e.project.edit('planner.config.ts', 'maxBuildMinutes: 10', 'maxBuildMinutes: 0.0001');
      const refused = await runCli(['run', 'dev_x', '--execution-time', '2024-01-10', '-p', e.project.dir]);
      expect(refused.code, refused.text).toBe(1);
      expect(refused.text).toContain("analytics.slow_daily ran past the environment's limit of 0.0001 minutes per build (policies.maxBuildMinutes)");
      expect(await intervals()).toEqual(before);

      e.project.edit('planner.config.ts', 'maxBuildMinutes: 0.0001', 'maxBuildMinutes: 10');
      const next = await runCli(['run', 'dev_x', '--execution-time', '2024-01-04', '-p', e.project.dir]);
      expect(next.code, next.text).toBe(0);
      const last = (rows: Record<string, unknown>[]) => Math.max(...rows.map((r) => Number(r.end_ms)));
      expect(last(await intervals())).toBe(Date.UTC(2024, 0, 4));
      expect(last(before)).toBe(Date.UTC(2024, 0, 3));
    });
  });
}
