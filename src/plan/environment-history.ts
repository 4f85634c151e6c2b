import type { Plan } from './plan.js';
import type { EnvironmentRecord, PlanRecord } from '../state/state-store.js';

/** The plan of an environment that moved one of its models away from a definition. */
export interface Replacement {
  planId: string;
  appliedAt: number;
}

/** A model an environment still holds as prod held it before prod moved on. */
export interface BehindModel {
  model: string;
  /** The prod plan that replaced the definition the environment holds, and when it was applied. */
  since: string;
  at: number;
}

/**
 * Which definitions an environment has moved away from, read from its applied plans
 * (each records the snapshot ids it replaced): for "behind prod" and the revert guard.
 * Plans recorded before this record existed have nothing to say, and are skipped.
 */
export class ReplacementHistory {
  private readonly byModel = new Map<string, Map<string, Replacement>>();

  constructor(plans: readonly PlanRecord[]) {
    // Oldest first: a later replacement of the same definition (after it came back) wins.
    for (const plan of [...plans].sort((a, b) => a.appliedAt - b.appliedAt)) {
      const replaced = plan.summary.replaced;
      if (!replaced || typeof replaced !== 'object') continue;
      for (const [model, id] of Object.entries(replaced as Record<string, string>)) {
        let ids = this.byModel.get(model);
        if (!ids) this.byModel.set(model, (ids = new Map()));
        ids.set(id, { planId: plan.id, appliedAt: plan.appliedAt });
      }
    }
  }

  /** The latest plan that moved `model` away from snapshot `id`, if it ever held it. */
  replacedBy(model: string, id: string): Replacement | undefined {
    return this.byModel.get(model)?.get(id);
  }
}

/**
 * The models where `env` holds a snapshot prod held once and has since replaced: the
 * environment did not change them itself, and reads prod's older tables.
 */
export function modelsBehind(env: EnvironmentRecord, prod: EnvironmentRecord | undefined, prodHistory: ReplacementHistory): BehindModel[] {
  if (!prod || env.name === prod.name) return [];
  const out: BehindModel[] = [];
  for (const [model, id] of Object.entries(env.snapshots)) {
    const now = prod.snapshots[model];
    if (!now || now === id) continue;
    const r = prodHistory.replacedBy(model, id);
    if (r) out.push({ model, since: r.planId, at: r.appliedAt });
  }
  return out.sort((a, b) => a.model.localeCompare(b.model));
}

/** A local definition that the environment held before and a plan of it replaced. */
export interface Revert {
  model: string;
  planId: string;
  appliedAt: number;
}

/**
 * The models a plan would put back to a definition the environment moved away from:
 * added or directly modified, with the local snapshot one its history replaced. The
 * local project is then older than the environment for that model.
 */
export function findReverts(plan: Plan, current: EnvironmentRecord | undefined, history: ReplacementHistory): Revert[] {
  const out: Revert[] = [];
  for (const model of [...plan.added, ...plan.directlyModified.map((c) => c.name)]) {
    const id = plan.target[model];
    if (!id || current?.snapshots[model] === id) continue;
    const r = history.replacedBy(model, id);
    if (r) out.push({ model, planId: r.planId, appliedAt: r.appliedAt });
  }
  return out.sort((a, b) => a.model.localeCompare(b.model));
}
