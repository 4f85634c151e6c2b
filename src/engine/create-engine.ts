import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { GatewayConfig } from '../config/types.js';
import type { EngineAdapter } from './engine-adapter.js';

/** Opens the engine a gateway describes. Relative DuckDB paths are relative to the project. */
export async function createEngine(gateway: GatewayConfig, projectDir: string): Promise<EngineAdapter> {
  switch (gateway.type) {
    case 'duckdb': {
      const path = gateway.path ?? '.planner/warehouse.duckdb';
      // Loaded here, as PostgreSQL's is: a command that never opens a warehouse (a plan from recorded reads) never loads DuckDB or kysely.
      const { DuckDBAdapter } = await import('./duckdb/adapter.js');
      if (path === ':memory:') return DuckDBAdapter.open(path);
      const abs = isAbsolute(path) ? path : join(projectDir, path);
      mkdirSync(dirname(abs), { recursive: true });
      return DuckDBAdapter.open(abs);
    }
    case 'postgres': {
      const { PostgresAdapter } = await import('./postgres/adapter.js');
      return PostgresAdapter.open(gateway);
    }
  }
}
