import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';
import { LATEST_STATE_VERSION } from './latest.js';
import * as initial from './001-initial.js';
import * as intervals from './002-intervals.js';
import * as projects from './003-projects.js';
import * as approvals from './004-approvals.js';
import * as autoRestatements from './005-auto-restatements.js';
import * as approvalEvidence from './006-approval-evidence.js';
import * as snapshotHeads from './007-snapshot-heads.js';

/** One step of the state schema, with the columns of the tables it creates (for the schema check). */
export interface Migration {
  version: number;
  name: string;
  up: (db: Kysely<StateDatabase>) => Promise<void>;
  /** Table -> the columns this migration creates, so a state can be checked against its recorded version. */
  columns: Record<string, string[]>;
}

/**
 * State schema migrations, applied in order. Append only: a released migration never
 * changes, and `version` is the state schema version it leaves behind.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: initial.up,
    columns: {
      snapshots: ['id', 'name', 'version', 'payload', 'created_at'],
      environments: ['name', 'payload', 'plan_id', 'previous_plan_id', 'created_at', 'updated_at', 'expires_at'],
      physical_tables: ['name', 'version', 'schema_name', 'table_name', 'built_at'],
      plans: ['id', 'environment', 'applied_at', 'summary'],
    },
  },
  { version: 2, name: 'intervals', up: intervals.up, columns: { intervals: ['name', 'version', 'start_ms', 'end_ms'] } },
  { version: 3, name: 'projects', up: projects.up, columns: { projects: ['name', 'registered_at'] } },
  {
    version: 4,
    name: 'approvals',
    up: approvals.up,
    columns: { approvals: ['plan_hash', 'approved_by', 'plan_id', 'environment', 'author', 'approved_at', 'comment'] },
  },
  { version: 5, name: 'auto-restatements', up: autoRestatements.up, columns: { auto_restatements: ['name', 'version', 'next_ms'] } },
  { version: 6, name: 'approval-evidence', up: approvalEvidence.up, columns: { approval_evidence: ['plan_hash', 'plan_id', 'summary', 'recorded_at'] } },
  { version: 7, name: 'snapshot-heads', up: snapshotHeads.up, columns: { snapshots: ['head'] } },
];

export { LATEST_STATE_VERSION };
if (MIGRATIONS[MIGRATIONS.length - 1].version !== LATEST_STATE_VERSION) {
  throw new Error(`migrations/latest.ts says state version ${LATEST_STATE_VERSION}, the last migration is ${MIGRATIONS[MIGRATIONS.length - 1].version}`);
}

/** The tables and columns a state at `version` has, besides `schema_version` itself. */
export function expectedColumns(version: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
    for (const [table, cols] of Object.entries(m.columns)) out.set(table, [...(out.get(table) ?? []), ...cols]);
  }
  return out;
}
