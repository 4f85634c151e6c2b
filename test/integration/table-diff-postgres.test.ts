import { randomBytes } from 'node:crypto';
import { PostgresAdapter } from '../../src/engine/postgres/adapter.js';
import { quoteIdent } from '../../src/util/identifiers.js';
import { tableDiffSuite } from './table-diff-suite.js';

const URL = process.env.PLANNER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

tableDiffSuite('PostgreSQL', async () => {
  const engine = await PostgresAdapter.open({ type: 'postgres', url: URL });
  // A schema of its own, so parallel test files never see each other's tables.
  const schema = `table_diff_${randomBytes(4).toString('hex')}`;
  return {
    engine,
    schema,
    async cleanup() {
      await engine.execute(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await engine.close();
    },
  };
});
