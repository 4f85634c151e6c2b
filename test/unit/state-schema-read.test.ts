import { describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import { LATEST_STATE_VERSION } from '../../src/state/migrations/index.js';
import { SqlStateStore } from '../../src/state/sql-state-store.js';

type Columns = Map<string, Set<string>>;

describe("reading the state's schema", () => {
  it('reads the columns again when a migration committed between its reads of the catalog and of the version', async () => {
    const engine = await DuckDBAdapter.open(':memory:');
    try {
      await new SqlStateStore(engine.kysely(), 'planner_state', true).migrate();
      const store = new SqlStateStore(engine.kysely(), 'planner_state', true);
      // Its first read of the catalog as another process's migration left it just before committing: no snapshots.head yet.
      const reader = store as unknown as { tableColumns: () => Promise<Columns> };
      const real = reader.tableColumns.bind(store);
      let reads = 0;
      reader.tableColumns = async () => {
        const columns = await real();
        if (reads++ === 0) columns.get('snapshots')!.delete('head');
        return columns;
      };
      expect(await store.schemaVersion()).toBe(LATEST_STATE_VERSION);
      expect(await store.schemaProblems()).toEqual([]);
      expect(reads).toBe(2);
    } finally {
      await engine.close();
    }
  });

  it('still reports a column the recorded version has and the state lacks', async () => {
    const engine = await DuckDBAdapter.open(':memory:');
    try {
      await new SqlStateStore(engine.kysely(), 'planner_state', true).migrate();
      await engine.execute('ALTER TABLE planner_state.plans DROP COLUMN summary');
      const problems = await new SqlStateStore(engine.kysely(), 'planner_state', true).schemaProblems();
      expect(problems.map((p) => p.message)).toEqual([`state table planner_state.plans has no column summary (state version ${LATEST_STATE_VERSION} has it)`]);
    } finally {
      await engine.close();
    }
  });
});
