import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './project.js';

/** Runs the compiled CLI (the vitest global setup rebuilds dist/ from the current src/ first) as a user would, without a terminal. */
export function planner(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/planner.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
