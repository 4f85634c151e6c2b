import chalk from 'chalk';
import type { ApplyReporter } from '../../plan/reporter.js';
import type { CliIO } from '../io.js';

/** Progress of an apply on a terminal: one line per table built, with its time. */
export function progressReporter(io: CliIO): ApplyReporter {
  return {
    buildFinished(snapshot, index, total, ms) {
      io.err(chalk.gray(`[${index + 1}/${total}] built ${snapshot.name} (${snapshot.model.kind.name.toLowerCase()}) in ${(ms / 1000).toFixed(2)}s`));
    },
  };
}
