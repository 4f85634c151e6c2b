import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';

/**
 * Approvals of saved plans: who approved which plan file (by its hash, so an edited file
 * is a different plan with no approval), for which environment, when, and why.
 */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('plan_hash', 'varchar', (c) => c.notNull())
    .addColumn('approved_by', 'varchar', (c) => c.notNull())
    .addColumn('plan_id', 'varchar', (c) => c.notNull())
    .addColumn('environment', 'varchar', (c) => c.notNull())
    .addColumn('author', 'varchar', (c) => c.notNull())
    .addColumn('approved_at', 'bigint', (c) => c.notNull())
    .addColumn('comment', 'varchar')
    .addPrimaryKeyConstraint('approvals_pk', ['plan_hash', 'approved_by'])
    .execute();
}
