import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';

/**
 * Computed intervals of each version: half-open [start_ms, end_ms) ranges per (name,
 * version), kept merged so a version computed day after day stays one row.
 */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema
    .createTable('intervals')
    .addColumn('name', 'varchar', (c) => c.notNull())
    .addColumn('version', 'varchar', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('intervals_pk', ['name', 'version', 'start_ms'])
    .execute();
}
