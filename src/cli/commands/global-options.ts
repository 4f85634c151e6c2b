import type { SecretRegistry } from '../../util/secrets.js';
import type { InferredOptionTypes, Options } from 'yargs';
import { PROGRESS_MODES, type ProgressMode } from '../render/progress.js';

/** The options every command takes, declared once for yargs and for their types. */
export const GLOBAL_OPTIONS = {
  project: { alias: 'p', type: 'string', default: '.', describe: 'project folder' },
  gateway: { type: 'string', describe: 'gateway from planner.config.ts to use' },
  json: { type: 'boolean', describe: 'machine-readable output' },
  verbose: { type: 'boolean', describe: 'show stack traces of internal errors' },
  color: { type: 'boolean', describe: 'colored output (default on a terminal); --no-color or NO_COLOR=1 turn it off' },
  progress: { choices: PROGRESS_MODES, describe: 'progress of builds on stderr: auto (a live bar on a terminal, plain lines off one, none with --json), bar, plain, none' },
} as const satisfies Record<string, Options>;

export const GLOBAL_OPTION_NAMES = Object.keys(GLOBAL_OPTIONS);

/** The global options as yargs parses them. */
export type GlobalArgs = InferredOptionTypes<typeof GLOBAL_OPTIONS>;

/** Options every command takes (the fields a command function reads; tests pass only some). */
export interface GlobalOptions {
  project: string;
  gateway?: string;
  json?: boolean;
  verbose?: boolean;
  /** How builds report progress (render/progress.ts); default auto. */
  progress?: ProgressMode;
  /** Filled by `main`, not a flag: the run's secrets, masked in everything it prints. */
  secrets?: SecretRegistry;
}
