import chalk from 'chalk';
import type { ApplyReporter } from '../../plan/reporter.js';
import type { CliIO } from '../io.js';
import { formatInterval } from '../../intervals/interval.js';

/** Progress of an apply on a terminal: one line per table built, with its time. */
export function progressReporter(io: CliIO): ApplyReporter {
  return {
    batchFinished(snapshot, index, total, batch, rows, ms) {
      const count = rows === undefined ? '' : `  ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`;
      io.err(chalk.gray(`    ${snapshot.name}  batch ${index + 1}/${total}  ${formatInterval(batch)}${count}  ${(ms / 1000).toFixed(2)}s`));
    },
    buildFinished(snapshot, index, total, ms) {
      io.err(chalk.gray(`[${index + 1}/${total}] built ${snapshot.name} (${snapshot.model.kind.name.toLowerCase()}) in ${(ms / 1000).toFixed(2)}s`));
    },
  };
}
