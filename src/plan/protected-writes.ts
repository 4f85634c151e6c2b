import { InputError } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { builtKey, type StateReader } from '../state/state-store.js';
import type { Plan } from './plan.js';

/**
 * The last line of defence of protected environments: a plan for an unprotected
 * environment that would write into a table a protected environment's views read
 * (intervals computed into it, a forward-only ALTER) is refused before anything runs.
 * Planning already avoids prod's tables; this also covers every other protected
 * environment (a tenant, staging). Only tables that exist can be shared, so the check
 * reads state only when the plan writes into an existing table.
 */
export async function assertNoProtectedWrites(plan: Plan, state: StateReader, isProtected: (environment: string) => boolean): Promise<void> {
  if (isProtected(plan.environment)) return;
  const writes = new Map<string, Snapshot>();
  for (const id of [...plan.builds, ...(plan.migrations ?? [])]) writes.set(builtKey(plan.snapshots[id].name, plan.snapshots[id].version), plan.snapshots[id]);
  if (!writes.size) return;
  const existing = await state.getBuiltTables([...writes.keys()]);
  const intoExisting = [...writes.entries()].filter(([key, s]) => existing.has(key) || (plan.migrations ?? []).includes(s.id)).map(([, s]) => s);
  if (!intoExisting.length) return;

  const guarded = (await state.listEnvironments()).filter((e) => e.name !== plan.environment && isProtected(e.name));
  const ids = [...new Set(guarded.flatMap((e) => intoExisting.map((s) => e.snapshots[s.name]).filter((id): id is string => Boolean(id))))];
  const theirs = await state.getSnapshots(ids);
  const clashes: string[] = [];
  for (const env of guarded) {
    for (const s of intoExisting) {
      const other = theirs.get(env.snapshots[s.name] ?? '');
      if (other && other.version === s.version) clashes.push(`${s.name}: table ${s.physical.schema}.${s.physical.table}, used by protected environment '${env.name}'`);
    }
  }
  if (!clashes.length) return;
  throw new InputError(`environment '${plan.environment}' would write into tables that protected environments use; nothing was changed:\n  ${clashes.join('\n  ')}`, {
    code: 'protected_table',
    hint: `create '${plan.environment}' from that environment (--create-from) to share its tables without writing to them, or plan the protected environment itself`,
  });
}
