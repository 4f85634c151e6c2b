import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '../src/context.js';
import { DuckDBAdapter } from '../src/engine/duckdb/adapter.js';
import { fullRefreshTimes, renderSnapshot } from '../src/plan/render-snapshot.js';
import { quoteIdent, quoteTable } from '../src/util/identifiers.js';
import { generateProject } from './generate-project.js';
import type { BenchRow } from './report.js';

/**
 * Apply of an N-model project against the same CREATE TABLE statements run directly on
 * DuckDB in one script, each on a fresh database file. The ratio is the planner's
 * overhead: parsing, fingerprinting, state, views, transactions.
 */
export async function benchApplyOverhead(n = 200, rowsScale = 40): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'planner-bench-apply-'));
  try {
    generateProject(dir, n, { seed: 5, rowsScale });
    // The statements a plain script would run: rendered by the planner once, outside the timing.
    const planCtx = await Context.open({ projectDir: dir });
    const plan = await planCtx.plan('prod');
    await planCtx.close();
    const now = new Date();
    const statements = [...new Set(plan.builds.map((id) => plan.snapshots[id].physical.schema))].map((s) => `CREATE SCHEMA ${quoteIdent(s)}`);
    for (const id of plan.builds) {
      const s = plan.snapshots[id];
      const parentOf = (name: string) => plan.snapshots[plan.target[name]];
      statements.push(`CREATE TABLE ${quoteTable(s.physical)} AS ${renderSnapshot(s, parentOf, fullRefreshTimes(s, now))}`);
    }

    const runs = 3;
    let direct = Infinity;
    let planner = Infinity;
    for (let i = 0; i < runs; i++) {
      const file = join(dir, `direct-${i}.duckdb`);
      const engine = await DuckDBAdapter.open(file);
      const t = performance.now();
      for (const sql of statements) await engine.execute(sql);
      direct = Math.min(direct, performance.now() - t);
      await engine.close();

      rmSync(join(dir, '.planner'), { recursive: true, force: true });
      const t2 = performance.now();
      const ctx = await Context.open({ projectDir: dir });
      await ctx.apply(await ctx.plan('prod'));
      await ctx.close();
      planner = Math.min(planner, performance.now() - t2);
    }
    return [
      {
        group: 'apply overhead',
        name: `${n} models, plan + apply vs the same CREATE TABLE script`,
        value: `planner ${(planner / 1000).toFixed(2)} s, script ${(direct / 1000).toFixed(2)} s (best of ${runs})`,
        ratio: planner / direct,
        target: 'under 1.2',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
