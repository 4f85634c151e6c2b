import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';

/**
 * What an approval was given on, kept at `planner approve` time: a compact summary of the
 * saved plan's evidence (flagged metrics, audit counts, change counts, the `--from`
 * environment) as JSON, one row per plan file (by its hash, as approvals are bound), so a
 * second approver of the same file adds no copy. State keeps approvals, not plan files:
 * without this the environment report could say who approved, never on what.
 * A table of its own, so approvals recorded before it exist unchanged (no summary).
 */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema
    .createTable('approval_evidence')
    .addColumn('plan_hash', 'varchar', (c) => c.primaryKey())
    .addColumn('plan_id', 'varchar', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute();
}
