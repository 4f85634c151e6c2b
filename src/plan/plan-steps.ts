import { kindStrategy } from '../kinds/registry.js';
import type { Model } from '../model/model.js';
import { categorizeDirectChange } from '../snapshot/categorize.js';
import { versionOf } from '../snapshot/make-snapshot.js';
import type { ChangeCategory, Fingerprint, Snapshot } from '../snapshot/snapshot.js';
import { DEFAULT_LAYOUT, PROD, type VirtualLayout } from '../snapshot/virtual-names.js';
import type { PlanInput } from './plan-builder.js';
import { isPreview } from './preview.js';

/**
 * The pure steps `buildPlan` runs for each model whose snapshot changes, in order:
 * categorize -> version -> forward-only -> preview. Each takes what the previous gave and
 * returns a new value; nothing is edited after it is decided.
 */

/** How a changed model affects its children, and which direct changes caused it. */
export interface Effect {
  category: ChangeCategory;
  causes: string[];
}

/** What categorizing one model decided. */
export interface Categorized {
  /** New to the environment, changed itself, or changed only through its parents. */
  change: 'added' | 'direct' | 'indirect';
  /** A direct change: the category of the model's own edit, as the plan lists it. */
  direct?: ChangeCategory;
  /** What the new snapshot is (undefined when added); parents' effects included. */
  category?: ChangeCategory;
  /** What its children see; undefined when it changes nothing for them. */
  effect?: Effect;
  /** Direct changes upstream that reach it (an indirect change's causes). */
  causes: string[];
}

/** One model as it enters the steps. */
export interface ModelState {
  model: Model;
  fingerprint: Fingerprint;
  /** The environment's current snapshot of it, if any. */
  prev?: Snapshot;
  /** Effects of its changed parents. */
  parentEffects: Effect[];
  /** `--select-model` left it out: planned with its stored definition. */
  kept: boolean;
}

/** Step 1: whether the model is added, directly or indirectly modified, and what that means downstream. */
export function categorize(s: ModelState): Categorized {
  const { model, fingerprint, prev, parentEffects } = s;
  const upstreamBreaking = parentEffects.some((e) => e.category === 'breaking');
  const causes = [...new Set(parentEffects.flatMap((e) => e.causes))].sort();
  if (!prev) return { change: 'added', effect: { category: 'breaking', causes: [model.name] }, causes };
  if (!s.kept && (prev.fingerprint.ownData !== fingerprint.ownData || prev.fingerprint.metadata !== fingerprint.metadata)) {
    const direct = categorizeDirectChange(
      { fingerprint: prev.fingerprint, shape: prev.model.shape, kindJson: JSON.stringify(prev.model.kind) },
      { fingerprint, shape: model.shape, kindJson: JSON.stringify(model.kind) },
    );
    let category: ChangeCategory = direct === 'non-breaking' && upstreamBreaking ? 'breaking' : direct;
    if (direct === 'metadata' && parentEffects.length) category = upstreamBreaking ? 'breaking' : 'non-breaking';
    const effect = category === 'metadata' ? undefined : { category, causes: [...new Set([model.name, ...causes])].sort() };
    return { change: 'direct', direct, category, effect, causes };
  }
  const category: ChangeCategory = upstreamBreaking ? 'breaking' : 'non-breaking';
  return { change: 'indirect', category, effect: { category, causes }, causes };
}

/** Step 2: the version: the previous one when the table stays valid, else one of the new data. */
export function chooseVersion(s: ModelState, c: Categorized): string {
  const { prev } = s;
  if (!prev) return versionOf(s.fingerprint);
  // A view names its parents' tables: it is free to recreate, and must read their new versions.
  const tableStaysValid = !kindStrategy(s.model.kind).bindsParents;
  if (c.category === 'metadata') return prev.version;
  // Own query unchanged and nothing breaking upstream: the table stays valid.
  if (c.change === 'direct' && c.category === 'non-breaking' && c.direct === 'metadata' && tableStaysValid) return prev.version;
  if (c.change === 'indirect' && c.category === 'non-breaking' && tableStaysValid) return prev.version;
  return versionOf(s.fingerprint);
}

/**
 * Step 3: a breaking or non-breaking change becomes forward-only (keeping the existing
 * table and version) when asked (`--forward-only`, the model's `forward_only`, or a
 * forward-only parent under a change that is not breaking) and the kind keeps its table.
 */
export function applyForwardOnly(
  s: ModelState,
  c: Categorized,
  version: string,
  asked: boolean,
): { categorized: Categorized; version: string } {
  const { prev, model } = s;
  const upstreamForwardOnly = s.parentEffects.some((e) => e.category === 'forward-only');
  const keepsTable = prev && kindStrategy(model.kind).forwardOnlyKeepsTable && prev.model.kind.name === model.kind.name;
  const wanted = asked || model.forwardOnly || (upstreamForwardOnly && c.category !== 'breaking');
  if (!prev || !keepsTable || !wanted || (c.category !== 'breaking' && c.category !== 'non-breaking')) return { categorized: c, version };
  const effect: Effect = { category: 'forward-only', causes: c.effect?.causes ?? c.causes };
  return { categorized: { ...c, category: 'forward-only', effect }, version: prev.version };
}

/** What the plan lists for a directly or indirectly modified model (a metadata edit stays metadata). */
export function listedCategory(c: Categorized): ChangeCategory {
  if (c.change === 'direct') return c.category === 'forward-only' && c.direct !== 'metadata' ? 'forward-only' : c.direct!;
  return c.category!;
}

/**
 * Step 4: outside prod, a forward-only change, anything reading a preview, and a
 * preview kept at its version are previewed in a table of their own, never prod's.
 */
export function isPreviewed(environment: string, s: ModelState, c: Categorized, version: string, readsPreview: boolean): boolean {
  if (environment === PROD) return false;
  return c.category === 'forward-only' || readsPreview || (isPreview(s.prev) && version === s.prev!.version);
}

/**
 * Step 5: the environment's views and which of them change. Prod, and any environment
 * planned with --include-unmodified, has a view for every model with a physical object;
 * other environments only for the models whose snapshot differs from prod's.
 */
export function planViews(
  input: Pick<PlanInput, 'project' | 'environment' | 'includeUnmodified' | 'prod' | 'current' | 'replaces' | 'known' | 'layout'>,
  target: Readonly<Record<string, string>>,
  snapshots: Readonly<Record<string, Snapshot>>,
  /** `target`'s snapshots in `project.order`, when the caller has them: spares a lookup per model. */
  ordered?: readonly Snapshot[],
): { views: string[]; upsert: string[]; drop: string[]; previousLayout?: VirtualLayout } {
  const prod = input.prod?.snapshots ?? {};
  const lean = input.environment !== PROD && !input.includeUnmodified;
  const views: string[] = [];
  const viewed: Snapshot[] = [];
  const { order } = input.project;
  for (let i = 0; i < order.length; i++) {
    const n = order[i];
    const s = ordered ? ordered[i] : snapshots[target[n]];
    if (kindStrategy(s.model.kind).physical === null || (lean && prod[n] === s.id)) continue;
    views.push(n);
    viewed.push(s);
  }
  const previous = input.current ?? input.replaces;
  const oldViews = new Set(previous?.views ?? []);
  const oldTargets = previous?.snapshots ?? {};
  // Prod's views are named alike in every layout; another environment's all move when the layout changed.
  const previousLayout = previous && input.environment !== PROD ? previous.layout ?? DEFAULT_LAYOUT : input.layout;
  const moved = previousLayout !== input.layout;
  const upsert: string[] = [];
  /** Views that exist already: when they are all the old ones, none is dropped. */
  let kept = 0;
  for (let i = 0; i < views.length; i++) {
    const n = views[i];
    const s = viewed[i];
    const had = oldViews.has(n);
    if (had) kept++;
    // An expired record's views may be half dropped by a janitor: recreate them all.
    if (!input.current || !had || moved) {
      upsert.push(n);
      continue;
    }
    const oldId = oldTargets[n];
    const old = oldId ? input.known.get(oldId) ?? (oldId === s.id ? s : undefined) : undefined;
    // Unknown old snapshot: repoint to be safe.
    // A forward-only change keeps the version but may add columns a view must show.
    if (!old || old.version !== s.version || (old.id !== s.id && s.category === 'forward-only')) upsert.push(n);
  }
  const viewNames = !moved && kept === oldViews.size ? undefined : new Set(views);
  const drop = viewNames ? [...oldViews].filter((n) => moved || !viewNames.has(n)).sort() : [];
  return { views, upsert, drop, ...(moved ? { previousLayout } : {}) };
}
