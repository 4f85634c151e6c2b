/**
 * The state version this planner writes: the last migration's (migrations/index.ts checks
 * that they agree). Its own module so that code which only compares versions (a plan from
 * recorded reads, the state guard) does not load the migrations, and kysely with them.
 */
export const LATEST_STATE_VERSION = 7;
