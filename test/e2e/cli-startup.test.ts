import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { packagesLoaded } from '../helpers/loaded-modules.js';

/** The engine, parser and report libraries: a command that needs none must not pay for loading them. */
const HEAVY = ['@duckdb/node-api', 'kysely', 'pg', 'libpg-query', 'elkjs', 'diff', 'yaml', 'nunjucks', 'jiti'];

describe('CLI startup', () => {
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
});
