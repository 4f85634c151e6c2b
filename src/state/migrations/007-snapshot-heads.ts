import { sql, type Kysely } from 'kysely';
import { decodeSnapshot, snapshotHead, type StateDatabase } from '../state-database.js';

/** Rows read and written per statement: a few MB of payloads, 2 parameters a row. */
const BATCH = 500;

/**
 * Each snapshot's head (state-store.ts SnapshotHead: ids, tables, parents, fingerprints,
 * and the schedule `planner run` decides from) in a column of its own, so plans and runs
 * read heads without reading or parsing the payloads. A column, not a table: the head is
 * written by the same INSERT as its payload and deleted with it, so no snapshot can be
 * left with a payload and no head, or the other way round; nullable, so the ALTER keeps
 * every row valid, and the rows are filled right after, in batches, in this migration's
 * transaction. A payload that does not decode stops the upgrade as corrupt state.
 */
export async function up(db: Kysely<StateDatabase>): Promise<void> {
  await db.schema.alterTable('snapshots').addColumn('head', 'text').execute();
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('snapshots').select(['id', 'payload']).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (!rows.length) return;
    const heads = rows.map((r) => ({ id: r.id, head: JSON.stringify(snapshotHead(decodeSnapshot(r))) }));
    await db
      .updateTable('snapshots')
      .set({ head: sql<string>`CASE ${sql.ref('id')} ${sql.join(heads.map((h) => sql`WHEN ${h.id} THEN ${h.head}`), sql` `)} END` })
      .where('id', 'in', heads.map((h) => h.id))
      .execute();
    after = rows[rows.length - 1].id;
  }
}
