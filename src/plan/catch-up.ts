import type { Snapshot } from '../snapshot/snapshot.js';
import { PROD } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord } from '../state/state-store.js';
import type { BehindModel, ReplacementHistory } from './environment-history.js';
import type { Plan } from './plan.js';

export interface CatchUpInput {
  /** The environment as it is now (only an existing environment other than prod can be behind). */
  current: EnvironmentRecord | undefined;
  prod: EnvironmentRecord | undefined;
  prodHistory: ReplacementHistory;
  /** Prod's snapshots of the models where it differs from the environment. */
  prodSnapshots: Map<string, Snapshot>;
  /** The models reading each model, from the project. */
  children: Map<string, string[]>;
  /** The environment has a view of every model (false: only of those differing from prod). */
  completeViews: boolean;
}

/**
 * Keeps an environment in step with prod: where it holds a definition prod has since
 * replaced, and the local project does not change that model (it has the environment's
 * definition, or already prod's), the environment moves to prod's current snapshot and
 * table. Nothing is built: prod's table exists. A model stays behind when something the
 * plan changes downstream was made from the old definition. Pure; returns a new plan.
 */
export function catchUpWithProd(draft: Plan, input: CatchUpInput): Plan {
  const { current, prod, prodHistory } = input;
  if (draft.environment === PROD || !current || !prod) return draft;
  const plan: Plan = { ...draft, target: { ...draft.target }, snapshots: { ...draft.snapshots }, viewChanges: { upsert: [...draft.viewChanges.upsert], drop: [...draft.viewChanges.drop] }, views: [...draft.views] };
  const caughtUp: BehindModel[] = [];
  const behind = (model: string) => {
    const held = current.snapshots[model];
    const now = prod.snapshots[model];
    if (!held || !now || held === now) return undefined;
    const r = prodHistory.replacedBy(model, held);
    return r && { model, since: r.planId, at: r.appliedAt, held, now };
  };

  // The local project already has prod's definition: what the plan calls a change is catching up.
  const relabeled = new Set<string>();
  for (const model of Object.keys(plan.target)) {
    const b = behind(model);
    if (b && plan.target[model] === b.now) {
      relabeled.add(model);
      caughtUp.push({ model, since: b.since, at: b.at });
    }
  }
  const changed = new Set([...plan.added, ...plan.directlyModified.map((c) => c.name), ...plan.indirectlyModified.map((c) => c.name)].filter((n) => !relabeled.has(n)));

  // The local project still has the environment's definition: point it at prod's.
  // Sets, not array scans per model: prod moving far ahead made this quadratic.
  const hadViews = new Set(current.views);
  const upserted = new Set(plan.viewChanges.upsert);
  const dropped = new Set(plan.viewChanges.drop);
  /** A lean environment's views of models that no longer differ from prod: removed once, at the end. */
  const unviewed = new Set<string>();
  for (const model of Object.keys(plan.target)) {
    const b = behind(model);
    const theirs = b && input.prodSnapshots.get(b.now);
    if (!b || !theirs || plan.target[model] !== b.held || changesDownstream(model, input.children, changed)) continue;
    const mine = plan.snapshots[b.held];
    plan.target[model] = b.now;
    plan.snapshots[b.now] = theirs;
    caughtUp.push({ model, since: b.since, at: b.at });
    const hadView = hadViews.has(model);
    if (!input.completeViews) {
      // A lean environment views only what differs from prod, which this no longer does.
      unviewed.add(model);
      if (hadView && !dropped.has(model)) {
        plan.viewChanges.drop.push(model);
        dropped.add(model);
      }
    } else if (!upserted.has(model) && (!hadView || mine?.version !== theirs.version)) {
      plan.viewChanges.upsert.push(model);
      upserted.add(model);
    }
  }
  if (unviewed.size) {
    plan.views = plan.views.filter((n) => !unviewed.has(n));
    plan.viewChanges.upsert = plan.viewChanges.upsert.filter((n) => !unviewed.has(n));
  }
  if (!caughtUp.length) return draft;
  plan.directlyModified = plan.directlyModified.filter((c) => !relabeled.has(c.name));
  plan.indirectlyModified = plan.indirectlyModified.filter((c) => !relabeled.has(c.name));
  plan.diffs = plan.diffs.filter((d) => !relabeled.has(d.name));
  plan.caughtUp = caughtUp.sort((a, b) => a.model.localeCompare(b.model));
  return plan;
}

/** True when a model the plan changes reads `model`, directly or further down. */
function changesDownstream(model: string, children: Map<string, string[]>, changed: Set<string>): boolean {
  // Nothing changed: no walk below each model that catches up.
  if (!changed.size) return false;
  const seen = new Set<string>();
  const stack = [...(children.get(model) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    if (changed.has(next)) return true;
    stack.push(...(children.get(next) ?? []));
  }
  return false;
}
