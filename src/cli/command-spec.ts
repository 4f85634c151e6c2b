import type { Argv } from 'yargs';
import type { GlobalOptions } from './commands/global-options.js';
import type { CliIO } from './io.js';

/**
 * One CLI command: its yargs shape and an async handler that returns the exit code.
 * Each lives in commands/<verb>.ts and is listed in cli/commands.ts.
 */
export interface CommandSpec {
  command: string;
  describe: string;
  builder: (y: Argv<GlobalOptions>) => Argv<any>;
  handler: (args: any, io: CliIO) => Promise<number>;
}
