import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { captureIO } from '../helpers/capture-io.js';
import { engineCases, type EngineProject } from '../helpers/engines.js';
import { breakOrderTotals } from '../helpers/lifecycle-fixtures.js';
import { postgresServer } from '../helpers/postgres.js';

const server = await postgresServer();

for (const engine of engineCases(server)) {
  describe.skipIf(!engine.available)(`planner validate on ${engine.name}`, () => {
    let e: EngineProject;
    beforeAll(async () => {
      e = await engine.setup();
      // A strict row-count threshold: dev drops the 6 cancelled orders of 80.
      e.project.edit('planner.config.ts', /(defineConfig\(\{|export default \{)/, '$1\n  validation: { rowCountChangePct: 1, hashTotalChangePct: 50 },');
      await e.project.planAndApply('prod');
      breakOrderTotals(e.project);
      await e.project.planAndApply('dev');
    });
    afterAll(() => e.cleanup());

    const validate = async (extra: Partial<Parameters<typeof validateCommand>[0]> = {}) => {
      const io = captureIO();
      const code = await validateCommand({ project: e.project.dir, environment: 'dev', json: true, ...extra }, io);
      return { code, report: JSON.parse(io.stdout.join('\n')) };
    };

    it('measures the models dev rebuilt, compares them with prod and flags what moved past the thresholds', async () => {
      const { code, report } = await validate();
      expect(code).toBe(1);
      expect(report).toMatchObject({ environment: 'dev', against: 'prod', ok: false });
      // Only the models whose table differs from prod's are measured by default.
      expect(report.models.map((m: { model: string }) => m.model)).toEqual(['analytics.customers', 'analytics.daily_revenue', 'analytics.order_totals']);
      const orders = report.models.find((m: { model: string }) => m.model === 'analytics.order_totals');
      const [dev] = await e.sql(`SELECT count(*) AS n, count(DISTINCT order_id) AS k, sum(revenue) AS revenue, count(*) - count(status) AS null_status FROM ${orders.table}`);
      const [prod] = await e.sql(`SELECT count(*) AS n, sum(revenue) AS revenue FROM ${orders.baseline.table}`);
      expect(orders.metrics.rows).toBe(Number(dev.n));
      expect(orders.metrics.distinctKeys).toBe(Number(dev.k));
      expect(orders.metrics.hashTotals.revenue).toBeCloseTo(Number(dev.revenue), 2);
      expect(orders.metrics.nullRates.status).toBe(0);
      expect(orders.baseline.metrics.rows).toBe(Number(prod.n));
      expect(orders.baseline.metrics.hashTotals.revenue).toBeCloseTo(Number(prod.revenue), 2);
      expect(orders.flags.map((f: { metric: string }) => f.metric)).toEqual(['rows']);
      expect(orders.flags[0].message).toBe(`row count ${prod.n} -> ${dev.n} (${((Math.abs(Number(dev.n) - Number(prod.n)) / Number(prod.n)) * 100).toFixed(1)}%, threshold 1%)`);
    });

    it('measures a model shared with prod once, flags nothing for it, and says so in text', async () => {
      const { code, report } = await validate({ model: ['analytics.product_sales'] });
      expect(code).toBe(0);
      expect(report.models).toHaveLength(1);
      expect(report.models[0]).toMatchObject({ model: 'analytics.product_sales', sameTable: true, flags: [] });
      const io = captureIO();
      expect(await validateCommand({ project: e.project.dir, environment: 'dev', model: ['analytics.product_sales'] }, io)).toBe(0);
      expect(io.text()).toContain('same table as prod');
      expect(io.text()).toContain('No flags');
    });

    it('refuses a model the environment does not have (exit 2)', async () => {
      const io = captureIO();
      await expect(validateCommand({ project: e.project.dir, environment: 'dev', model: ['analytics.nope'] }, io)).rejects.toMatchObject({ exitCode: 2, code: 'unknown_model' });
    });
  });
}
