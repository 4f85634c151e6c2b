import type { EngineAdapter, TableLayout } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { tableLayout } from '../model/table-layout.js';
import type { Plan } from './plan.js';

/**
 * A forward-only change keeps its table and alters only its columns: it cannot
 * re-partition the table or change its storage parameters. Where the kept table's layout
 * in the catalog differs from the one the model now asks for (a changed partitioned_by or
 * physical_properties, or a table built before planner applied them), the plan is refused
 * rather than leaving the table silently unlike its model.
 */
export async function assertKeptLayouts(plan: Plan, engine: Pick<EngineAdapter, 'dialect' | 'readLayout'>): Promise<void> {
  if (!engine.readLayout) return;
  for (const id of plan.migrations ?? []) {
    const s = plan.snapshots[id];
    const has = await engine.readLayout(s.physical);
    if (!has) continue;
    const wanted = tableLayout(s.model, engine.dialect).layout ?? { partitionBy: [], storage: [] };
    // Storage parameters a model does not set may have been tuned in the warehouse: left alone.
    const compared = wanted.storage.length ? has : { ...has, storage: [] };
    if (describe(compared) === describe(wanted)) continue;
    throw new InputError(
      `forward-only change to ${s.name} asks for table layout ${describe(wanted)}, but its kept table ${s.physical.schema}.${s.physical.table} has ${describe(compared)}: a forward-only change alters columns only`,
      {
        code: 'layout_change',
        location: { file: s.model.file },
        hint: 'make the change breaking (plan without --forward-only, or forward_only false in MODEL) so a new table is built with the new layout, or keep partitioned_by and physical_properties as they were',
      },
    );
  }
}

/** `PARTITION BY RANGE (ds) WITH (fillfactor = 70)`, or `no partitioning or storage parameters`. */
function describe(layout: TableLayout): string {
  const parts = [
    ...(layout.partitionBy.length ? [`PARTITION BY RANGE (${layout.partitionBy.join(', ')})`] : []),
    ...(layout.storage.length ? [`WITH (${[...layout.storage].map((p) => `${p.name} = ${p.value}`).sort().join(', ')})`] : []),
  ];
  return parts.length ? parts.join(' ') : 'no partitioning or storage parameters';
}
