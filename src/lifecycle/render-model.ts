import { closeModels } from '../model/complete-models.js';
import { kindStrategy } from '../kinds/registry.js';
import type { RenderTimes } from '../model/render.js';
import type { Plan } from '../plan/plan.js';
import { fullRefreshTimes, renderSnapshot } from '../plan/render-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { builtQuery } from '../plan/build-snapshot.js';
import { InputError } from '../errors.js';

/** A model's query as it will run, or null for kinds that have none (SEED, EXTERNAL). */
export interface RenderedModel {
  snapshot: Snapshot;
  query: string | null;
}

/**
 * The query of `name` as applying `plan` would run it: references to models become the
 * physical tables the plan's environment would read, macros get their values (for the
 * whole range the model is built over, unless `times` says otherwise). A model built for
 * a sanitized environment reads its parents through their masks: the very query its build
 * runs (plan/build-snapshot.ts builtQuery), so what `planner render` shows is what runs.
 */
export async function renderPlannedModel(plan: Plan, name: string, now: Date, engine: EngineAdapter, times?: RenderTimes): Promise<RenderedModel> {
  const wanted = name.toLowerCase();
  const id = plan.target[wanted];
  if (!id) throw unknownModel(name, Object.keys(plan.target));
  const snapshot = plan.snapshots[id];
  if (!kindStrategy(snapshot.model.kind).hasQuery) return { snapshot, query: null };
  const parentOf = (n: string) => (plan.target[n] ? plan.snapshots[plan.target[n]] : undefined);
  const unbuilt = await unbuiltMaskedParents(snapshot, parentOf, engine);
  if (unbuilt.length) {
    // Their masking SELECT lists their table's columns: none to read before it is built.
    const note = `-- ${snapshot.name} reads ${unbuilt.join(', ')} through ${unbuilt.length === 1 ? 'its masks' : 'their masks'} once built (apply the plan first); shown unmasked`;
    return { snapshot, query: `${note}\n${renderSnapshot(snapshot, parentOf, times ?? fullRefreshTimes(snapshot, now))}` };
  }
  return { snapshot, query: await builtQuery(snapshot, parentOf, times ?? fullRefreshTimes(snapshot, now), engine) };
}

/** The parents a masked build reads through masks whose tables the plan has not built yet. */
async function unbuiltMaskedParents(snapshot: Snapshot, parentOf: (name: string) => Snapshot | undefined, engine: EngineAdapter): Promise<string[]> {
  const out: string[] = [];
  for (const name of Object.keys(snapshot.readMasks ?? {})) {
    const parent = parentOf(name);
    if (parent && kindStrategy(parent.model.kind).reference === 'physical' && !(await engine.columns(parent.physical)).length) out.push(name);
  }
  return out.sort();
}

/** An unknown model, with the models whose name shares its table part or prefix as a hint. */
export function unknownModel(name: string, known: string[]): InputError {
  // Misspelled names first; then the models whose table part matches (a wrong schema).
  const table = name.toLowerCase().split('.').pop()!;
  const sameTable = known.filter((k) => k.split('.').pop() === table || k.startsWith(name.toLowerCase())).sort();
  const close = closeModels(name, known) ?? (sameTable.length ? `did you mean ${sameTable.join(', ')}?` : undefined);
  return new InputError(`unknown model '${name}'`, {
    code: 'unknown_model',
    hint: close ?? `models are named schema.table; \`planner dag\` lists all ${known.length}`,
  });
}
