/**
 * Test hooks for crash safety, read in this one place. `PLANNER_TEST_CRASH_AT=<point>`
 * kills the process with SIGKILL when an apply reaches that point (`<point>:<n>` at its
 * n-th time); `PLANNER_TEST_FAIL_AT=<point>` throws there instead. Points are named after
 * the last thing done: `after-snapshots`, `after-build`, `after-record-built`,
 * `mid-promotion`, `before-commit`, `after-commit`.
 */
const seen = new Map<string, number>();

/** What `PLANNER_TEST_FAIL_AT` throws, so tests tell it from a real failure. */
export class InjectedFailure extends Error {}

/** Does nothing unless a test asked to crash or fail at `point`. */
export async function crashPoint(point: string): Promise<void> {
  const crash = process.env.PLANNER_TEST_CRASH_AT;
  const fail = process.env.PLANNER_TEST_FAIL_AT;
  if (!crash && !fail) return;
  const n = (seen.get(point) ?? 0) + 1;
  seen.set(point, n);
  const hit = (spec: string | undefined) => spec !== undefined && (spec === point || spec === `${point}:${n}`);
  if (hit(crash)) {
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  }
  if (hit(fail)) throw new InjectedFailure(`injected failure at ${point}`);
}
