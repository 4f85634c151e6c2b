import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './project.js';

/**
 * Runs the compiled CLI with `args` and returns the packages under node_modules it loaded
 * (e.g. 'yargs', '@duckdb/node-api'), and its output, by way of record-loaded-modules.mjs.
 */
export function packagesLoaded(args: string[]): Promise<{ packages: Set<string>; stdout: string; code: number }> {
  const hook = join(ROOT, 'test/helpers/record-loaded-modules.mjs');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', hook, join(ROOT, 'bin/planner.js'), ...args], { env: { ...process.env, FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      const [, list] = stderr.split('\n--loaded-modules--\n');
      if (list === undefined) return reject(err ?? new Error(`no module list in: ${stderr}`));
      const packages = new Set<string>();
      for (const file of JSON.parse(list) as string[]) {
        const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(decodeURIComponent(file));
        if (m) packages.add(m[1].replace(/\\/g, '/'));
      }
      resolve({ packages, stdout, code: typeof err?.code === 'number' ? err.code : 0 });
    });
  });
}
