import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Temporary project folders holding only `planner.config.ts` (and a `.env` when given),
 * removed after each test of the file that calls this at its top level.
 * @example const project = configProjects(); const dir = project('export default {};');
 */
export function configProjects(prefix = 'planner-config-'): (config: string, env?: string) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (config, env) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    writeFileSync(join(dir, 'planner.config.ts'), config);
    if (env !== undefined) writeFileSync(join(dir, '.env'), env);
    return dir;
  };
}
