import type { Kysely } from 'kysely';
import type { StateDatabase } from '../state-database.js';

/** Snapshots, environments, built tables and applied plans. Timestamps are epoch milliseconds. */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema
    .createTable('snapshots')
    .addColumn('id', 'varchar', (c) => c.primaryKey())
    .addColumn('name', 'varchar', (c) => c.notNull())
    .addColumn('version', 'varchar', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('snapshots_name_version').on('snapshots').columns(['name', 'version']).execute();
  await db.schema
    .createTable('environments')
    .addColumn('name', 'varchar', (c) => c.primaryKey())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'varchar', (c) => c.notNull())
    .addColumn('previous_plan_id', 'varchar')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema
    .createTable('physical_tables')
    .addColumn('name', 'varchar', (c) => c.notNull())
    .addColumn('version', 'varchar', (c) => c.notNull())
    .addColumn('schema_name', 'varchar', (c) => c.notNull())
    .addColumn('table_name', 'varchar', (c) => c.notNull())
    .addColumn('built_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('physical_tables_pk', ['name', 'version'])
    .execute();
  await db.schema
    .createTable('plans')
    .addColumn('id', 'varchar', (c) => c.primaryKey())
    .addColumn('environment', 'varchar', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute();
}
