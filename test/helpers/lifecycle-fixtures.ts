import type { Context } from '../../src/context.js';
import { runCli, type EngineCase, type EngineProject } from './engines.js';
import type { TempProject } from './project.js';

/** Every table and view in the warehouse, as `schema.name TYPE`, sorted. */
export function catalog(ctx: Context): Promise<string[]> {
  return ctx.engine
    .query(`SELECT table_schema || '.' || table_name || ' ' || table_type AS t FROM information_schema.tables ORDER BY 1`)
    .then((r) => r.rows.map((row) => String(row.t)));
}

/** Schemas in the warehouse, sorted. */
export function schemas(ctx: Context): Promise<string[]> {
  return ctx.engine.query(`SELECT schema_name AS s FROM information_schema.schemata ORDER BY 1`).then((r) => r.rows.map((row) => String(row.s)));
}

/** The state tables' rows, to check a command changed nothing. */
export async function stateDump(ctx: Context): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const table of ['environments', 'snapshots', 'physical_tables', 'plans']) {
    out[table] = (await ctx.engine.query(`SELECT * FROM planner_state.${table} ORDER BY 1`)).rows;
  }
  return out;
}

/** Catalog (with view definitions) and state together: equal before and after means nothing changed. */
export async function everything(p: TempProject): Promise<unknown> {
  return p.with(async (ctx) => ({
    objects: await ctx.engine.listObjects(),
    schemas: await schemas(ctx),
    state: await stateDump(ctx),
  }));
}

/** Runs one SQL query on a project's warehouse. */
export function query(p: TempProject, sql: string) {
  return p.with(async (ctx) => (await ctx.engine.query(sql)).rows);
}

/** Answers of prod's analytics models: compared before and after cleanup. */
export function prodAnswers(p: TempProject) {
  return query(
    p,
    `SELECT (SELECT sum(revenue) FROM analytics.daily_revenue) AS revenue,
            (SELECT count(*) FROM analytics.customers) AS customers,
            (SELECT count(*) FROM analytics.order_totals) AS orders,
            (SELECT sum(units_sold) FROM analytics.product_sales) AS units`,
  );
}

/** A breaking change: order_totals keeps cancelled orders out. */
export function breakOrderTotals(p: TempProject): void {
  p.edit('models/analytics/order_totals.sql', /GROUP BY/, "WHERE o.status <> 'cancelled'\nGROUP BY");
}

/**
 * A release awaiting approval: prod applied and requiring approval, a 5% row-count
 * threshold (so dropping cancelled orders, 80 -> 74 rows, is flagged), and dev_x applied
 * with that change: what `planner plan prod --out FILE --evidence-from dev_x` saves.
 */
export async function releaseAwaitingApproval(engine: EngineCase): Promise<EngineProject> {
  const e = await engine.setup();
  await e.project.planAndApply('prod');
  e.project.edit('planner.config.ts', 'prod: { protected: true }', 'prod: { protected: true, requireApproval: true }');
  e.project.edit('planner.config.ts', /(modelDefaults: .*\n)/, '$1  validation: { rowCountChangePct: 5 },\n');
  breakOrderTotals(e.project);
  const dev = await runCli(['plan', 'dev_x', '--auto-apply', '--skip-tests', '-p', e.project.dir]);
  if (dev.code !== 0) throw new Error(`planner plan dev_x failed: ${dev.text}`);
  return e;
}

/** The project on `engine` with `masking` (a config object's text) and sanitized dev_* environments, applied to prod. */
export async function sanitizedProject(engine: EngineCase, masking: string): Promise<EngineProject> {
  const e = await engine.setup();
  e.project.edit('planner.config.ts', 'environments:', `masking: ${masking},\n  environments:`);
  e.project.edit('planner.config.ts', "'dev_*': { ttl: '7d' }", "'dev_*': { ttl: '7d', sanitized: true }");
  await e.project.planAndApply('prod');
  return e;
}

/** The quoted physical table `env` points `model` at, from state. */
export async function physicalOf(e: EngineProject, env: string, model: string): Promise<string> {
  const record = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.environments WHERE name = '${env}'`))[0].payload));
  const snapshot = JSON.parse(String((await e.sql(`SELECT payload FROM planner_state.snapshots WHERE id = '${record.snapshots[model]}'`))[0].payload));
  return `"${snapshot.physical.schema}"."${snapshot.physical.table}"`;
}
