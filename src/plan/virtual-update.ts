import type { EngineAdapter } from '../engine/engine-adapter.js';
import { renderStatements } from '../model/render.js';
import { viewName } from '../snapshot/virtual-names.js';
import { quoteTable } from '../util/identifiers.js';
import type { Plan } from './plan.js';
import { fullRefreshTimes } from './render-snapshot.js';

/**
 * Runs the ON_VIRTUAL_UPDATE statements of every model whose view this apply pointed at a
 * new snapshot (a new version, or a metadata change such as the statements themselves),
 * after all the environment's views are swapped, in the promotion's transaction. As in
 * SQLMesh, @this_model is the model's view in this environment and every model name
 * resolves to its view here (a model without a view in a lean environment keeps its name,
 * prod's view); @runtime_stage is 'promoting'.
 */
export async function runVirtualUpdates(plan: Plan, engine: EngineAdapter, previousTargets: Readonly<Record<string, string>>, now: Date): Promise<void> {
  const withViews = new Set(plan.views);
  const upserted = new Set(plan.viewChanges.upsert);
  const viewOf = (name: string) => {
    const id = plan.target[name];
    if (!id || !withViews.has(name)) return undefined;
    const { schema, table } = plan.snapshots[id].model;
    return quoteTable(viewName(schema, table, plan.environment, plan.layout));
  };
  for (const name of plan.views) {
    const snapshot = plan.snapshots[plan.target[name]];
    const statements = snapshot.model.statements?.onVirtualUpdate;
    if (!statements?.length || (!upserted.has(name) && previousTargets[name] === snapshot.id)) continue;
    const sqls = renderStatements(statements, snapshot.model.dialect, fullRefreshTimes(snapshot, now), viewOf(name)!, 'promoting', viewOf);
    for (const sql of sqls) await engine.execute(sql);
  }
}
