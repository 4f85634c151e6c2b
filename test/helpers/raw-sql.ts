import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import type { EngineProject } from './engines.js';

/**
 * SQL on the warehouse without the planner, which would first migrate state (or refuse a
 * newer one): `w.sql` opens a context on DuckDB, so there the file is opened directly.
 */
export async function rawSql(w: EngineProject, pg: boolean, query: string): Promise<Record<string, unknown>[]> {
  if (pg) return w.sql(query);
  const duck = await DuckDBAdapter.open(w.project.path('.planner/warehouse.duckdb'));
  try {
    return (await duck.query(query)).rows;
  } finally {
    await duck.close();
  }
}
