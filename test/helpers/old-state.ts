/**
 * Turns the snapshots table back to what state versions 1-6 have (no `head` column, as
 * 001-initial.ts makes it, with the same rows), and forgets migration 7, so the next
 * command upgrades it. DuckDB drops no column of a table with an index: the table is
 * made again.
 */
export async function snapshotsBeforeHeads(raw: (query: string) => Promise<unknown>): Promise<void> {
  await raw('CREATE TABLE planner_state.snapshots_kept AS SELECT id, name, version, payload, created_at FROM planner_state.snapshots');
  await raw('DROP TABLE planner_state.snapshots');
  await raw('CREATE TABLE planner_state.snapshots (id varchar PRIMARY KEY, name varchar NOT NULL, version varchar NOT NULL, payload text NOT NULL, created_at bigint NOT NULL)');
  await raw('CREATE INDEX snapshots_name_version ON planner_state.snapshots (name, version)');
  await raw('INSERT INTO planner_state.snapshots SELECT * FROM planner_state.snapshots_kept');
  await raw('DROP TABLE planner_state.snapshots_kept');
  await raw('DELETE FROM planner_state.schema_version WHERE version >= 7');
}
