import chalk from 'chalk';
import type { ApplyReporter } from '../../plan/reporter.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { CliIO } from '../io.js';
import { formatInterval } from '../../intervals/interval.js';

/** `--progress`: a live bar, plain lines (logs, CI), nothing, or `auto` (a bar on a terminal, plain lines off one, nothing with --json). */
export const PROGRESS_MODES = ['auto', 'bar', 'plain', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Off a terminal, a line at least this often while a model builds, so a log shows the command is alive. */
export const HEARTBEAT_MS = 10_000;

/** What `--progress` resolves to for this run: `auto` follows the terminal; --json keeps stderr quiet unless asked. */
export function progressMode(mode: ProgressMode | undefined, io: CliIO, json?: boolean): Exclude<ProgressMode, 'auto'> {
  const chosen = mode ?? 'auto';
  if (chosen !== 'auto') return chosen === 'bar' && !io.status ? 'plain' : chosen;
  if (json) return 'none';
  return io.interactive && io.status ? 'bar' : 'plain';
}

/** A reporter for one command's builds, the time each model took, and `stop()` for its timer and bar. */
export interface Progress {
  reporter: ApplyReporter;
  /** Seconds per model built or run, by model name (the last build of a model wins). */
  seconds: Map<string, number>;
  stop(): void;
}

/**
 * Progress of an apply or a run. Plain: one line per finished batch and per finished model,
 * and a line at least every HEARTBEAT_MS while one builds. Bar: one status line redrawn in
 * place (models and batches done, elapsed, ETA). Timings are kept in every mode, for --json.
 */
export function progressReporter(io: CliIO, mode: Exclude<ProgressMode, 'auto'>, clock: () => number = Date.now): Progress {
  const seconds = new Map<string, number>();
  const started = clock();
  let lastLine = started;
  let current: { snapshot: Snapshot; index: number; total: number; since: number; batch?: [number, number] } | undefined;
  const line = (text: string) => {
    lastLine = clock();
    io.err(chalk.gray(text));
  };
  const elapsed = (from: number) => `${((clock() - from) / 1000).toFixed(0)}s`;
  const draw = () => {
    if (mode !== 'bar' || !current || !io.status) return;
    const batchShare = current.batch ? current.batch[0] / current.batch[1] : 0;
    const done = current.index + batchShare;
    const width = 24;
    const filled = Math.min(width, Math.round((done / current.total) * width));
    const spent = clock() - started;
    const eta = done > 0 ? ` ETA ${Math.max(0, Math.round((spent / done) * (current.total - done) / 1000))}s` : '';
    const batch = current.batch ? `  batch ${current.batch[0]}/${current.batch[1]}` : '';
    io.status(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${current.index}/${current.total} models  ${current.snapshot.name}${batch}  ${elapsed(started)} elapsed${eta}`);
  };
  const timer = mode === 'none' ? undefined : setInterval(() => {
    if (mode === 'bar') return draw();
    if (current && clock() - lastLine >= HEARTBEAT_MS) {
      const batch = current.batch ? `, batch ${current.batch[0] + 1}/${current.batch[1]}` : '';
      line(`    ... still building ${current.snapshot.name}${batch} (${elapsed(current.since)} on it, ${elapsed(started)} in all)`);
    }
  }, 1000);
  timer?.unref();
  const reporter: ApplyReporter = {
    buildStarted(snapshot, index, total) {
      current = { snapshot, index, total, since: clock() };
      draw();
    },
    batchStarted(snapshot, index, total) {
      if (current?.snapshot === snapshot) current.batch = [index, total];
      draw();
    },
    buildFinished(snapshot, index, total, ms) {
      seconds.set(snapshot.name, ms / 1000);
      current = undefined;
      if (mode === 'none') return;
      // On a terminal the line goes above the bar, which the next model draws again.
      if (mode === 'bar') io.status?.('');
      line(`[${index + 1}/${total}] built ${snapshot.name} (${snapshot.model.kind.name.toLowerCase()}) in ${(ms / 1000).toFixed(2)}s`);
    },
  };
  if (mode !== 'none') {
    // Only asked for when shown: a finished batch's rows are counted for it.
    reporter.batchFinished = (snapshot, index, total, batch, rows, ms) => {
      if (current?.snapshot === snapshot) current.batch = [index + 1, total];
      if (mode === 'bar') return draw();
      const count = rows === undefined ? '' : `  ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`;
      line(`    ${snapshot.name}  batch ${index + 1}/${total}  ${formatInterval(batch)}${count}  ${(ms / 1000).toFixed(2)}s`);
    };
  }
  return {
    reporter,
    seconds,
    stop() {
      if (timer) clearInterval(timer);
      if (mode === 'bar') io.status?.('');
    },
  };
}
