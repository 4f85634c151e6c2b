import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root (this file runs from dist-bench/bench/). */
const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The CLI end to end, as a person runs it: `node bin/planner.js ARGS` in `dir`, from
 * process start to exit (Node's start, loading the modules, the command, closing), best of
 * `runs`. Fails unless it exits 0 and prints `expect`.
 */
export function cliBestOf(runs: number, dir: string, args: string[], expect: RegExp): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/planner.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - t;
    if (r.status !== 0 || !expect.test(r.stdout)) throw new Error(`planner ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
    best = Math.min(best, ms);
  }
  return best;
}
