import type { ApplyReporter } from './plan/reporter.js';
import type { CollectLocks } from './plan/collect-lock.js';
import type { CrashPoints } from './plan/crash-points.js';
import type { EnvironmentLocks } from './plan/environment-lock.js';
import type { SecretRegistry } from './util/secrets.js';

/** What a Context is opened with (Context.open). */
export interface ContextOptions {
  projectDir: string;
  /** Gateway to use instead of the environment's or the default one. */
  gateway?: string;
  reporter?: ApplyReporter;
  /** Injectable wall clock, for tests: expiry, built_at and applied_at follow it. */
  now?: () => Date;
  /**
   * The time intervals are computed for (`--execution-time`); the wall clock when absent.
   * Never decides expiry or built_at: a plan for last March does not expire today's environment.
   */
  executionTime?: () => Date;
  /** Where the gateways' secrets are added, so the caller masks them in whatever it prints. */
  secrets?: SecretRegistry;
  /** Test hooks that crash or fail an apply at a named point; by default read from PLANNER_TEST_CRASH_AT / PLANNER_TEST_FAIL_AT. */
  crashPoints?: CrashPoints;
  /** The environment locks this context takes in its process; a new set per context when absent. */
  environmentLocks?: EnvironmentLocks;
  /** The applies, runs and janitor of this context against one another; new per context when absent. */
  collectLocks?: CollectLocks;
  /**
   * Open the warehouse only when a command needs it (`planner plan` does this): on a local
   * DuckDB warehouse a plan first tries the reads the last plan recorded, valid while the
   * warehouse file is unchanged (state/plan-reads-cache.ts). `engine` and `state` need
   * `await ready()` first; every method opens by itself.
   */
  lazy?: boolean;
}
