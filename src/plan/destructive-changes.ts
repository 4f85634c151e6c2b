import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { viewName } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import type { Plan } from './plan.js';
import { fullRefreshTimes, renderSnapshot } from './render-snapshot.js';

/** Something a plan would lose for good if applied. */
export type DestructiveChange =
  | { type: 'removed-model'; model: string; view: string; table: string | null }
  | { type: 'forward-only'; model: string; table: string; droppedColumns: string[]; retypedColumns: { column: string; from: string; to: string }[] };

/**
 * What applying `plan` would destroy: models it removes (their view goes, and their
 * table is left to the janitor), and forward-only changes that drop or retype columns
 * of a table kept in place. Protected environments need `--allow-destructive` for these.
 */
export async function findDestructiveChanges(plan: Plan, current: EnvironmentRecord | undefined, state: StateReader, engine: EngineAdapter, now: Date): Promise<DestructiveChange[]> {
  const out: DestructiveChange[] = [];
  const removedIds = plan.removed.map((n) => current?.snapshots[n]).filter((id): id is string => Boolean(id));
  const removed = await state.getSnapshots(removedIds);
  for (const name of plan.removed) {
    const snapshot = removed.get(current?.snapshots[name] ?? '');
    const [schema, table] = name.split('.');
    const view = viewName(schema, table, plan.environment);
    out.push({
      type: 'removed-model',
      model: name,
      view: `${view.schema}.${view.table}`,
      table: snapshot && !['EMBEDDED', 'EXTERNAL'].includes(snapshot.model.kind.name) ? `${snapshot.physical.schema}.${snapshot.physical.table}` : null,
    });
  }
  const forwardOnly = [...plan.directlyModified, ...plan.indirectlyModified].filter((c) => c.category === 'forward-only');
  for (const change of forwardOnly) {
    const snapshot = plan.snapshots[plan.target[change.name]];
    if (!snapshot || (await engine.objectType(snapshot.physical)) !== 'table') continue;
    const lost = await columnLoss(snapshot, plan, engine, now);
    if (lost.droppedColumns.length || lost.retypedColumns.length) {
      out.push({ type: 'forward-only', model: change.name, table: `${snapshot.physical.schema}.${snapshot.physical.table}`, ...lost });
    }
  }
  return out;
}

/** Columns of the kept table that the new query no longer returns, or returns with another type. */
async function columnLoss(snapshot: Snapshot, plan: Plan, engine: EngineAdapter, now: Date) {
  const existing = await engine.columns(snapshot.physical);
  const parentOf = (name: string) => (plan.target[name] ? plan.snapshots[plan.target[name]] : undefined);
  const sql = renderSnapshot(snapshot, parentOf, fullRefreshTimes(snapshot, now));
  const next = (await engine.query(`SELECT * FROM (${sql}) AS forward_only_preview LIMIT 0`)).columns;
  const nextByName = new Map(next.map((c) => [c.name.toLowerCase(), c.type.toUpperCase()]));
  return {
    droppedColumns: existing.filter((c) => !nextByName.has(c.name.toLowerCase())).map((c) => c.name),
    retypedColumns: existing
      .filter((c) => nextByName.has(c.name.toLowerCase()) && nextByName.get(c.name.toLowerCase()) !== c.type.toUpperCase())
      .map((c) => ({ column: c.name, from: c.type, to: nextByName.get(c.name.toLowerCase())! })),
  };
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
