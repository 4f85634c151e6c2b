import type { GatewayConfig, ResolvedConfig } from './config/types.js';
import { createEngine } from './engine/create-engine.js';
import type { EngineAdapter } from './engine/engine-adapter.js';
import { migrateState } from './plan/environment-lock.js';
import { claimState } from './state/state-guard.js';
import type { StateIndex, StateStore } from './state/state-store.js';

/** A context's open warehouse and state. */
export interface Connections {
  engine: EngineAdapter;
  state: StateStore;
  /** The connection state lives on: the engine itself, or the gateway's separate `state` connection. */
  stateEngine: EngineAdapter;
  /** The state's index, for a recording of reads (SqlStateStore.stateIndex). */
  index: () => Promise<StateIndex>;
}

/** Opens the gateway's warehouse and state: state migrated to this planner's version, and claimed for the project. */
export async function openConnections(config: ResolvedConfig, gateway: GatewayConfig): Promise<Connections> {
  const engine = await createEngine(gateway, config.projectDir);
  let stateEngine = engine;
  try {
    if (gateway.state) stateEngine = await createEngine(gateway.state, config.projectDir);
    // Loaded here: a plan from recorded reads never opens state, and never loads kysely.
    const { SqlStateStore } = await import('./state/sql-state-store.js');
    const state = new SqlStateStore(stateEngine.kysely(), config.stateSchema, stateEngine.dialect === 'duckdb');
    await migrateState(stateEngine, state, config.stateSchema);
    // A state whose tables do not match is reported by verify and refused by plan, apply and run.
    if (!(await state.schemaProblems()).length) await claimState(state, config.project, config.sharedState, Date.now());
    return { engine, state, stateEngine, index: () => state.stateIndex() };
  } catch (err) {
    if (stateEngine !== engine) await stateEngine.close();
    await engine.close();
    throw err;
  }
}
