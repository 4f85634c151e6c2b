import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';

/**
 * The projects that use this state: the first one registered owns it, and another is
 * let in only when its config says the state is shared (`sharedState`).
 */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('name', 'varchar', (c) => c.primaryKey())
    .addColumn('registered_at', 'bigint', (c) => c.notNull())
    .execute();
}
