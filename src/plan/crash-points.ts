/**
 * Test hooks for crash safety. A test asks to crash (SIGKILL the process) or to fail
 * (throw `InjectedFailure`) when an apply reaches a point: `<point>` at its first time,
 * `<point>:<n>` at its n-th. Points are named after the last thing done:
 * `after-snapshots`, `after-build`, `after-record-built`, `mid-promotion`,
 * `before-commit`, `after-commit`, `after-batch`. Builds committed in groups (plan/build-group.ts)
 * reach `after-build` per model, inside the group's transaction, and `after-record-built`
 * once per group, after its commit. One `CrashPoints` serves one context
 * (ContextOptions.crashPoints) and counts its own hits: no state is shared between runs.
 */
export interface CrashPointSpec {
  crashAt?: string;
  failAt?: string;
}

/** What a `failAt` point throws, so tests tell it from a real failure. */
export class InjectedFailure extends Error {}

export class CrashPoints {
  private readonly seen = new Map<string, number>();

  constructor(private readonly spec: CrashPointSpec = {}) {}

  /** Does nothing unless this run was asked to crash or fail at `point`. */
  async reach(point: string): Promise<void> {
    const { crashAt, failAt } = this.spec;
    if (!crashAt && !failAt) return;
    const n = (this.seen.get(point) ?? 0) + 1;
    this.seen.set(point, n);
    const hit = (spec: string | undefined) => spec !== undefined && (spec === point || spec === `${point}:${n}`);
    if (hit(crashAt)) {
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
    if (hit(failAt)) throw new InjectedFailure(`injected failure at ${point}`);
  }
}

/** No crash points: what library code uses when it is given none. */
export const NO_CRASH_POINTS = new CrashPoints();

/**
 * The one place the test variables are read: `PLANNER_TEST_CRASH_AT=<point>` and
 * `PLANNER_TEST_FAIL_AT=<point>`, as `Context.open` takes them when not given crash points.
 */
export function crashPointsFromEnv(env: NodeJS.ProcessEnv = process.env): CrashPoints {
  const spec = { crashAt: env.PLANNER_TEST_CRASH_AT || undefined, failAt: env.PLANNER_TEST_FAIL_AT || undefined };
  return spec.crashAt || spec.failAt ? new CrashPoints(spec) : NO_CRASH_POINTS;
}
