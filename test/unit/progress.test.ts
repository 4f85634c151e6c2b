import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, progressMode, progressReporter } from '../../src/cli/render/progress.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { captureIO } from '../helpers/capture-io.js';

const snapshot = (name: string) => ({ name, model: { kind: { name: 'INCREMENTAL_BY_TIME_RANGE' } } }) as unknown as Snapshot;
const day = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 2) };

describe('progress', () => {
  afterEach(() => vi.useRealTimers());

  it('auto is a bar on a terminal, plain lines off one, nothing with --json', () => {
    const tty = { ...captureIO({ interactive: true }), status: () => {} };
    expect(progressMode('auto', tty)).toBe('bar');
    expect(progressMode(undefined, captureIO())).toBe('plain');
    expect(progressMode('auto', captureIO(), true)).toBe('none');
    expect(progressMode('plain', captureIO(), true)).toBe('plain');
    // A bar needs a terminal to redraw on: elsewhere it falls back to lines.
    expect(progressMode('bar', captureIO())).toBe('plain');
  });

  it('plain: a line per finished batch and model, and one at least every 10 s while a batch runs', () => {
    vi.useFakeTimers();
    let now = 0;
    const io = captureIO();
    const p = progressReporter(io, 'plain', () => now);
    const s = snapshot('analytics.events');
    p.reporter.buildStarted!(s, 0, 2);
    p.reporter.batchStarted!(s, 0, 3, day);
    now = 1_000;
    p.reporter.batchFinished!(s, 0, 3, day, 42, 1_000);
    p.reporter.batchStarted!(s, 1, 3, day);
    now = 1_000 + HEARTBEAT_MS - 1;
    vi.advanceTimersByTime(HEARTBEAT_MS - 1);
    expect(io.stderr).toHaveLength(1);
    now = 1_000 + HEARTBEAT_MS;
    vi.advanceTimersByTime(1_000);
    expect(io.stderr).toHaveLength(2);
    expect(io.stderr[1]).toContain('still building analytics.events, batch 2/3');
    p.reporter.buildFinished!(s, 0, 2, 12_500);
    p.stop();
    expect(io.stderr[0]).toContain('analytics.events  batch 1/3  [2024-01-01, 2024-01-02)  42 rows  1.00s');
    expect(io.stderr[2]).toContain('[1/2] built analytics.events (incremental_by_time_range) in 12.50s');
    expect(p.seconds.get('analytics.events')).toBe(12.5);
  });

  it('bar: redraws one status line with models, batches, elapsed and ETA; none prints nothing but keeps timings', () => {
    let now = 0;
    const drawn: string[] = [];
    const io = { ...captureIO({ interactive: true }), status: (l: string) => drawn.push(l) };
    const p = progressReporter(io, 'bar', () => now);
    const s = snapshot('analytics.events');
    p.reporter.buildStarted!(s, 1, 4);
    p.reporter.batchStarted!(s, 0, 2, day);
    now = 2_000;
    p.reporter.batchFinished!(s, 0, 2, day, 1, 2_000);
    expect(drawn.at(-1)).toMatch(/^\[#{9}\.{15}\] 1\/4 models  analytics\.events  batch 1\/2  2s elapsed ETA 3s$/);
    p.stop();
    expect(drawn.at(-1)).toBe('');

    const quiet = captureIO();
    const none = progressReporter(quiet, 'none');
    none.reporter.buildStarted!(s, 0, 1);
    none.reporter.buildFinished!(s, 0, 1, 5);
    none.stop();
    expect(quiet.stderr).toEqual([]);
    expect(none.reporter.batchFinished).toBeUndefined();
    expect(none.seconds.get('analytics.events')).toBe(0.005);
  });
});
