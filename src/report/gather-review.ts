import { environmentSide, planSide, type EnvironmentSide } from '../lifecycle/environment-diff.js';
import type { Plan } from '../plan/plan.js';
import { DEFAULT_LAYOUT, PROD } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import type { EnvironmentDiffEntry } from '../table-diff/diff-models.js';
import { buildReview, type Review } from './review.js';
import { environmentTrails, type ReviewTrail } from './approval-trail.js';

/**
 * The review of a plan: the plan's target against what it was compared with (the
 * environment, or the one a new environment starts from), read from state. Reads only.
 */
export async function planReview(state: StateReader, plan: Plan, trail?: ReviewTrail): Promise<Review> {
  const baseName = plan.isNewEnvironment ? plan.base : plan.environment;
  const before = await sideOf(state, baseName);
  const prod = plan.environment === PROD ? null : baseName === PROD ? before : await sideOf(state, PROD);
  return buildReview({
    kind: 'plan',
    title: `Plan ${plan.id} for ${plan.environment}`,
    after: planSide(plan, plan.environment),
    before,
    plan,
    views: { environment: plan.environment, layout: plan.layout, models: plan.views, sharedWith: prod ?? before },
    trails: trail ? [trail] : [],
  });
}

/** The review of `planner diff A B` (environments from state) or `planner diff A` (the local project as planned for A, against A). */
export async function diffReview(state: StateReader, a: EnvironmentRecord | Plan, b: EnvironmentRecord): Promise<Review> {
  const before = await environmentSide(state, b);
  if ('builds' in a) {
    return buildReview({ kind: 'diff', title: `Local project compared with ${b.name}`, after: planSide(a, 'local'), before, trails: await environmentTrails(state, [b]) });
  }
  const after = await environmentSide(state, a);
  return buildReview({
    kind: 'diff',
    title: `Environment ${a.name} compared with ${b.name}`,
    after,
    before,
    views: { environment: a.name, layout: a.layout ?? DEFAULT_LAYOUT, models: a.views, sharedWith: before },
    trails: await environmentTrails(state, [a, b]),
  });
}

/** The review of `planner table-diff`: the two environments' models, with the data diffs that were run. */
export async function tableDiffReview(state: StateReader, a: EnvironmentRecord, b: EnvironmentRecord, entries: readonly EnvironmentDiffEntry[]): Promise<Review> {
  const [after, before] = [await environmentSide(state, a), await environmentSide(state, b)];
  return buildReview({
    kind: 'table-diff',
    title: `Data diff of ${a.name} and ${b.name}`,
    after,
    before,
    views: { environment: a.name, layout: a.layout ?? DEFAULT_LAYOUT, models: a.views, sharedWith: before },
    tableDiffs: entries.map((entry) => ({ model: entry.model, entry })),
    trails: await environmentTrails(state, [a, b]),
  });
}

async function sideOf(state: StateReader, name: string | null): Promise<EnvironmentSide | null> {
  if (!name) return null;
  const env = await state.getEnvironment(name);
  return env ? environmentSide(state, env) : null;
}
