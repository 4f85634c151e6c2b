import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { packagesLoaded } from '../helpers/loaded-modules.js';
import { ROOT, TempProject } from '../helpers/project.js';

/** The engine, parser and report libraries: a command that needs none must not pay for loading them. */
const HEAVY = ['@duckdb/node-api', 'kysely', 'pg', 'libpg-query', 'elkjs', 'diff', 'yaml', 'nunjucks', 'jiti'];

describe('CLI startup', () => {
  let p: TempProject | undefined;
  afterEach(() => p?.remove());

  it('lists each command as its module defines it (the table repeats command and describe)', async () => {
    for (const entry of COMMANDS) {
      const spec = await entry.load();
      expect({ command: entry.command, describe: entry.describe }).toEqual({ command: spec.command, describe: spec.describe });
    }
  });

  it('answers --version and --help without loading the engine, parser or report libraries', async () => {
    for (const args of [['--version'], ['--help'], []]) {
      const run = await packagesLoaded(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).toMatch(/\S/);
      expect(run.packages.has('yargs'), `${[...run.packages]}`).toBe(true);
      expect(HEAVY.filter((p) => run.packages.has(p)), args.join(' ')).toEqual([]);
    }
  });

  it('plans a DuckDB project with no YAML, Jinja or changes without the PostgreSQL parser and driver, the report, diff or YAML libraries', async () => {
    p = new TempProject(ROOT, []);
    mkdirSync(p.path('models/s'), { recursive: true });
    p.write('planner.config.ts', "export default { gateways: { local: { type: 'duckdb', path: '.planner/warehouse.duckdb' } }, defaultGateway: 'local' };\n");
    p.write('models/s/a.sql', 'MODEL (name s.a, kind FULL);\nSELECT 1 AS id\n');
    p.write('models/s/b.sql', 'MODEL (name s.b, kind VIEW);\nSELECT id FROM s.a\n');
    await p.planAndApply();
    const run = await packagesLoaded(['plan', '-p', p.dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^No changes/);
    expect(run.packages.has('@duckdb/node-api')).toBe(true);
    expect(['pg', 'libpg-query', 'elkjs', 'diff', 'yaml', 'nunjucks'].filter((lib) => run.packages.has(lib))).toEqual([]);
    // Planned again with nothing changed: the recorded reads answer, and no engine library loads at all.
    const again = await packagesLoaded(['plan', '-p', p.dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(run.stdout);
    expect(HEAVY.filter((lib) => again.packages.has(lib) && lib !== 'jiti')).toEqual([]);
  });
});
