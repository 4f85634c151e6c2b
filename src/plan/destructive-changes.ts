import { kindStrategy } from '../kinds/registry.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { modelViewName } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import { columnMigration, parentsExist } from './forward-only.js';
import { planParentOf, type Plan } from './plan.js';

/** Something a plan would lose for good if applied. */
export type DestructiveChange =
  | { type: 'removed-model'; model: string; view: string; table: string | null }
  | { type: 'forward-only'; model: string; table: string; droppedColumns: string[]; retypedColumns: { column: string; from: string; to: string }[] };

/**
 * What applying `plan` would destroy: models it removes (their view goes, and their
 * table is left to the janitor), and forward-only changes that drop or retype columns
 * of a table kept in place (measured as the apply measures them, in forward-only.ts).
 * Protected environments need `--allow-destructive` for these.
 */
export async function findDestructiveChanges(plan: Plan, current: EnvironmentRecord | undefined, state: StateReader, engine: EngineAdapter, now: Date): Promise<DestructiveChange[]> {
  const out: DestructiveChange[] = [];
  const removedIds = plan.removed.map((n) => current?.snapshots[n]).filter((id): id is string => Boolean(id));
  const removed = await state.getSnapshots(removedIds);
  for (const name of plan.removed) {
    const snapshot = removed.get(current?.snapshots[name] ?? '');
    const view = modelViewName(name, plan.environment, plan.previousLayout ?? plan.layout);
    out.push({
      type: 'removed-model',
      model: name,
      view: `${view.schema}.${view.table}`,
      table: snapshot && kindStrategy(snapshot.model.kind).physical ? `${snapshot.physical.schema}.${snapshot.physical.table}` : null,
    });
  }
  // A migration whose parents this plan builds cannot be previewed: the apply checks it once they exist.
  for (const id of plan.migrations ?? []) {
    const snapshot = plan.snapshots[id];
    if ((await engine.objectType(snapshot.physical)) !== 'table' || !(await parentsExist(plan, snapshot, engine))) continue;
    const m = await columnMigration(snapshot, planParentOf(plan), engine, now);
    if (m.drop.length || m.retype.length) {
      out.push({
        type: 'forward-only',
        model: snapshot.name,
        table: `${snapshot.physical.schema}.${snapshot.physical.table}`,
        droppedColumns: m.drop,
        retypedColumns: m.retype.map((r) => ({ column: r.name, from: r.from, to: r.to })),
      });
    }
  }
  return out;
}

/** One line per change, saying exactly what would be lost. */
export function describeDestructiveChange(c: DestructiveChange): string {
  switch (c.type) {
    case 'removed-model':
      return `${c.model} is removed: view ${c.view} is dropped${c.table ? ` and table ${c.table} is no longer used here (the janitor drops it once no environment uses it)` : ''}`;
    case 'forward-only': {
      const parts = [
        ...c.droppedColumns.map((col) => `column ${col} is dropped with its data`),
        ...c.retypedColumns.map((r) => `column ${r.column} changes type from ${r.from} to ${r.to}`),
      ];
      return `${c.model} changes forward-only in place, in table ${c.table}: ${parts.join('; ')}`;
    }
    default: {
      const never: never = c;
      return String(never);
    }
  }
}
