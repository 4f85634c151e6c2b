import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '../src/context.js';
import { generateProject } from './generate-project.js';
import type { BenchRow } from './report.js';

/**
 * Time of a plan that finds nothing to do, for projects of 1,000 and 10,000 models: load
 * the files, parse every query, fingerprint, read state, compare. The ratio between the
 * two sizes shows how it grows (10 is linear).
 */
export async function benchNoopPlan(sizes = [1000, 10000]): Promise<BenchRow[]> {
  const times: number[] = [];
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `planner-bench-noop-${n}-`));
    try {
      generateProject(dir, n, { seed: 11 });
      const ctx = await Context.open({ projectDir: dir });
      try {
        const first = await ctx.plan('prod');
        const applyStart = performance.now();
        await ctx.apply(first);
        const applySeconds = (performance.now() - applyStart) / 1000;
        // Warm-up, then the best of three: the figure is the planner's work, not a cold disk cache.
        let best = Infinity;
        let heap = 0;
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          const plan = await ctx.plan('prod');
          best = Math.min(best, performance.now() - t);
          heap = Math.max(heap, process.memoryUsage().heapUsed);
          if (plan.builds.length || plan.viewChanges.upsert.length) throw new Error('no-op plan found work to do');
        }
        times.push(best);
        rows.push({
          group: 'no-op plan',
          name: `${n.toLocaleString('en')} models`,
          value: `${(best / 1000).toFixed(2)} s (first apply of all ${n.toLocaleString('en')}: ${applySeconds.toFixed(1)} s; heap ${(heap / 2 ** 20).toFixed(0)} MiB)`,
          target: 'a few seconds at 10,000',
        });
      } finally {
        await ctx.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (times.length === 2) {
    rows.push({
      group: 'no-op plan',
      name: `growth ${sizes[0].toLocaleString('en')} -> ${sizes[1].toLocaleString('en')} models`,
      value: `time x${(times[1] / times[0]).toFixed(1)} for x${sizes[1] / sizes[0]} models`,
      ratio: times[1] / times[0],
      target: `near ${sizes[1] / sizes[0]} (linear)`,
    });
  }
  return rows;
}
