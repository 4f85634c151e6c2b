import { closeModels } from '../model/load-project.js';
import { kindStrategy } from '../kinds/registry.js';
import type { RenderTimes } from '../model/render.js';
import type { Plan } from '../plan/plan.js';
import { fullRefreshTimes, renderSnapshot } from '../plan/render-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { InputError } from '../errors.js';

/** A model's query as it will run, or null for kinds that have none (SEED, EXTERNAL). */
export interface RenderedModel {
  snapshot: Snapshot;
  query: string | null;
}

/**
 * The query of `name` as applying `plan` would run it: references to models become the
 * physical tables the plan's environment would read, macros get their values (for the
 * whole range the model is built over, unless `times` says otherwise).
 */
export function renderPlannedModel(plan: Plan, name: string, now: Date, times?: RenderTimes): RenderedModel {
  const wanted = name.toLowerCase();
  const id = plan.target[wanted];
  if (!id) throw unknownModel(name, Object.keys(plan.target));
  const snapshot = plan.snapshots[id];
  if (!kindStrategy(snapshot.model.kind).hasQuery) return { snapshot, query: null };
  const parentOf = (n: string) => (plan.target[n] ? plan.snapshots[plan.target[n]] : undefined);
  return { snapshot, query: renderSnapshot(snapshot, parentOf, times ?? fullRefreshTimes(snapshot, now)) };
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
