import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/project.js';
import { spawnPlanner } from '../helpers/spawn-planner.js';

describe('two processes on one DuckDB file', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it("refuses the second with DuckDB's file lock, naming the holder's PID, and works once the holder is gone", async () => {
    const holder = await p.open();
    try {
      const second = await spawnPlanner(['plan', 'prod', '--auto-apply', '-p', p.dir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`is in use by another process (PID ${process.pid}); only one planner command can use it at a time`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect(await holder.state.listEnvironments()).toEqual([]);
    } finally {
      await holder.close();
    }
    const after = await spawnPlanner(['plan', 'prod', '--auto-apply', '-p', p.dir]);
    expect(after.code, after.stderr).toBe(0);
    expect(await p.with(async (ctx) => (await ctx.state.listEnvironments()).map((e) => e.name))).toEqual(['prod']);
  });
});
