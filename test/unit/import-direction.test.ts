import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The ranks of docs/architecture.md: a runtime import goes to the same rank or a lower one. */
const RANK: Record<string, number> = {
  errors: 0, util: 0,
  config: 1, intervals: 1, engine: 1, state: 1,
  model: 2, kinds: 2, macros: 2,
  snapshot: 3,
  audit: 4, 'unit-test': 4, 'table-diff': 4, plan: 4, governance: 4,
  lifecycle: 5, report: 5,
  context: 6, 'context-options': 6, 'warehouse-connections': 6, 'plan-recording': 6, init: 6,
  cli: 7, index: 7,
};

/** Folders that reach engine/ only through types, and the state/ modules plan/ may import. */
const THROUGH_INTERFACES = ['plan', 'kinds', 'model', 'snapshot'];
const PLAN_STATE_MODULES = ['state/state-store.ts', 'state/state-guard.ts', 'state/migrations/index.ts', 'state/migrations/latest.ts'];
/** Known exceptions, each to move behind `engine.ops` (docs/architecture.md says why they are here): none today. */
const ALLOWED: string[] = [];

const SRC = join(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const top = (path: string) => path.split('/')[0].replace(/\.ts$/, '');

/** Every runtime import between two top-level parts of src/, as `from -> to (file)`. */
function runtimeImports(): { from: string; to: string; target: string; file: string }[] {
  const out: { from: string; to: string; target: string; file: string }[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)) {
      if (m[1]) continue;
      const target = normalize(join(dirname(rel), m[2])).replace(/\.js$/, '.ts');
      if (top(target) !== top(rel)) out.push({ from: top(rel), to: top(target), target, file: rel });
    }
  }
  return out;
}

describe('import direction (docs/architecture.md)', () => {
  const imports = runtimeImports();

  it('knows every part of src/', () => {
    expect(imports.length).toBeGreaterThan(100);
    expect([...new Set(imports.flatMap((i) => [i.from, i.to]))].filter((f) => RANK[f] === undefined)).toEqual([]);
  });

  it('imports at run time only from the same rank or a lower one', () => {
    const upward = imports.filter((i) => RANK[i.to] > RANK[i.from]).map((i) => `${i.file} -> ${i.target}`);
    expect(upward).toEqual([]);
  });

  it('reaches engine/ and state/ from plan/ (and what it builds on) only through interfaces', () => {
    const engine = imports
      .filter((i) => THROUGH_INTERFACES.includes(i.from) && i.to === 'engine')
      .map((i) => `${i.file} -> ${i.target}`)
      .filter((line) => !ALLOWED.includes(line));
    const state = imports.filter((i) => i.from === 'plan' && i.to === 'state' && !PLAN_STATE_MODULES.includes(i.target)).map((i) => `${i.file} -> ${i.target}`);
    expect([...engine, ...state]).toEqual([]);
  });
});
