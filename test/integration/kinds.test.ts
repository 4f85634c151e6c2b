import { afterEach, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/project.js';

describe('model kinds on DuckDB', () => {
  const projects: TempProject[] = [];
  afterEach(() => projects.splice(0).forEach((p) => p.remove()));

  it('inlines EMBEDDED models, reads EXTERNAL tables as written, and keeps VIEW models as views', async () => {
    const p = new TempProject(undefined, []);
    projects.push(p);
    p.write('planner.config.ts', "export default { gateways: { local: { type: 'duckdb', path: 'w.duckdb' } } };\n");
    await p.with(async (ctx) => {
      await ctx.engine.execute('CREATE SCHEMA ext');
      await ctx.engine.execute('CREATE TABLE ext.events AS SELECT range AS id, range % 3 AS kind FROM range(10)');
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(p.path('models'));
    p.write('models/events.sql', 'MODEL (name src.events, kind EXTERNAL);');
    p.write('models/kinds.sql', 'MODEL (name core.kinds, kind EMBEDDED);\nSELECT DISTINCT kind FROM ext.events');
    p.write('models/counts.sql', 'MODEL (name core.counts, kind FULL);\nSELECT k.kind, count(*) AS n FROM core.kinds k JOIN ext.events e USING (kind) GROUP BY 1');
    p.write('models/big.sql', 'MODEL (name core.big, kind VIEW);\nSELECT * FROM core.counts WHERE n > 3');
    const { plan, result } = await p.planAndApply('prod');
    expect(result.built.map((id) => plan.snapshots[id].name).sort()).toEqual(['core.big', 'core.counts']);
    const rows = await p.with(async (ctx) => {
      const counts = (await ctx.engine.query('SELECT kind, n FROM core.counts ORDER BY kind')).rows;
      const big = (await ctx.engine.query('SELECT kind FROM core.big ORDER BY kind')).rows;
      const types = (
        await ctx.engine.query(
          "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE starts_with(table_schema, 'planner__') ORDER BY 2",
        )
      ).rows;
      const views = (await ctx.engine.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'core' ORDER BY 1")).rows;
      return { counts, big, types, views };
    });
    expect(rows.counts).toEqual([
      { kind: 0, n: 4 },
      { kind: 1, n: 3 },
      { kind: 2, n: 3 },
    ]);
    expect(rows.big).toEqual([{ kind: 0 }]);
    expect(rows.types.map((t) => t.table_type)).toEqual(['VIEW', 'BASE TABLE']);
    // EMBEDDED and EXTERNAL models have neither a table nor a view.
    expect(rows.views.map((v) => v.table_name)).toEqual(['big', 'counts']);
  });

  it('refuses a start that is not a date when planning, before anything is built', async () => {
    const p = new TempProject(undefined, []);
    projects.push(p);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(p.path('models'));
    p.write('models/a.sql', "MODEL (name core.a, kind FULL);\nSELECT 1 AS x");
    p.write('models/v.sql', "MODEL (name core.v, kind VIEW, start 'last year');\nSELECT * FROM core.a");
    await expect(p.with((ctx) => ctx.plan('prod'))).rejects.toThrow(/start 'last year' is not a date/);
    const schemas = await p.with(async (ctx) => (await ctx.engine.query("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'core%' OR schema_name LIKE 'planner\\_\\_%' ESCAPE '\\'")).rows);
    expect(schemas).toEqual([]);
  });
});
