import type { Kysely } from 'kysely';
import * as initial from './001-initial.js';
import * as intervals from './002-intervals.js';

/**
 * State schema migrations, applied in order. Append only: a released migration never
 * changes, and `version` is the state schema version it leaves behind.
 */
export const MIGRATIONS: { version: number; name: string; up: (db: Kysely<any>) => Promise<void> }[] = [
  { version: 1, name: 'initial', up: initial.up },
  { version: 2, name: 'intervals', up: intervals.up },
];

export const LATEST_STATE_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
