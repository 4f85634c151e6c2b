import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';

/**
 * When each version with `auto_restatement_cron` is next restated by `planner run` (SQLMesh's
 * next_auto_restatement_ts). A version without a row is due at its cron's first tick after
 * the snapshot was created. A table of its own, so older states gain it without a rewrite.
 */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema
    .createTable('auto_restatements')
    .addColumn('name', 'varchar', (c) => c.notNull())
    .addColumn('version', 'varchar', (c) => c.notNull())
    .addColumn('next_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('auto_restatements_pk', ['name', 'version'])
    .execute();
}
