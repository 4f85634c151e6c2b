import type { CommandSpec } from './command-spec.js';
import { applySpec } from './commands/apply.js';
import { fetchdfSpec } from './commands/fetchdf.js';
import { planSpec } from './commands/plan.js';

/** Every command of the CLI, in the order `--help` lists them. */
export const COMMANDS: CommandSpec[] = [planSpec, applySpec, fetchdfSpec];
