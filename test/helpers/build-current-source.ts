import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './project.js';

/**
 * Vitest global setup: tests that spawn the CLI run `dist/`, so compile `src/` first
 * whenever `dist/` was not built from the source as it is now (a hash of every source
 * file, kept in dist/.source-hash). `npx vitest` after editing src/ then never tests
 * stale code, and an unchanged tree costs only the hash (a changed one, an incremental build).
 */
export default function setup(): void {
  const hash = sourceHash();
  const stamp = join(ROOT, 'dist/.source-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--incremental', '--tsBuildInfoFile', join(ROOT, 'dist/.tsbuildinfo')], { stdio: 'inherit' });
  writeFileSync(stamp, hash);
}

function sourceHash(): string {
  const h = createHash('sha256');
  for (const file of [...walk(join(ROOT, 'src')), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')]) {
    h.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return h.digest('hex');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
