import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import { tableDiffSuite } from './table-diff-suite.js';

tableDiffSuite('DuckDB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'planner-table-diff-'));
  const engine = await DuckDBAdapter.open(join(dir, 'diff.duckdb'));
  return {
    engine,
    schema: 'fixtures',
    async cleanup() {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
