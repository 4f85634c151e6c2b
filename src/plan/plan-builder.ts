import { kindStrategy } from '../kinds/registry.js';
import type { Project } from '../model/load-project.js';
import { categorizeDirectChange } from '../snapshot/categorize.js';
import { makeSnapshot, versionOf } from '../snapshot/make-snapshot.js';
import type { ChangeCategory, Fingerprint, Snapshot } from '../snapshot/snapshot.js';
import { PROD } from '../snapshot/virtual-names.js';
import { builtKey, type EnvironmentRecord } from '../state/state-store.js';
import type { DefinitionDiff, IndirectChange, ModelChange, Plan } from './plan.js';
import { asPreview, isPreview, previewId } from './preview.js';

export interface PlanInput {
  planId: string;
  environment: string;
  project: Project;
  fingerprints: Map<string, { fingerprint: Fingerprint; id: string }>;
  /** The environment as it is now, if it exists. */
  current?: EnvironmentRecord;
  /** What a new environment starts from (prod, or `--create-from`). */
  base?: EnvironmentRecord;
  /**
   * An expired record of this environment, still in state until the janitor runs: the
   * plan treats the environment as new, but repoints or drops the expired record's views
   * and expects its plan id when recording.
   */
  replaces?: EnvironmentRecord;
  /** Prod, to decide which models a dev environment needs views for. */
  prod?: EnvironmentRecord;
  /** Snapshots from state: those with the local ids, and the base's snapshots that differ. */
  known: Map<string, Snapshot>;
  includeUnmodified: boolean;
  /** `--select-model`: models planned with their stored definition, so never directly modified. */
  kept?: ReadonlySet<string>;
  now: number;
  /** `--forward-only`: every change keeps its existing table where the kind allows. */
  forwardOnly?: boolean;
  /** `--allow-destructive`: a forward-only change may drop or retype columns. */
  allowDestructive?: boolean;
}

/**
 * Compares the local project with an environment and decides, for every model, which
 * snapshot the environment will point at: the existing one, a known one with the same
 * fingerprint, or a new one whose version follows from its change category. Pure.
 */
export function buildPlan(input: PlanInput): Plan {
  const { project, fingerprints, known, now } = input;
  const compareWith = input.current ?? input.base;
  const before = compareWith?.snapshots ?? {};
  const target: Record<string, string> = {};
  const snapshots: Record<string, Snapshot> = {};
  const newSnapshotIds: string[] = [];
  const added: string[] = [];
  const directlyModified: ModelChange[] = [];
  const indirectlyModified: IndirectChange[] = [];
  const diffs: DefinitionDiff[] = [];
  const migrations: string[] = [];
  /** How each changed model affects its children, and which direct changes caused it. */
  const effect = new Map<string, { category: ChangeCategory; causes: string[] }>();

  for (const name of project.order) {
    const model = project.models.get(name)!;
    const { fingerprint, id } = fingerprints.get(name)!;
    const prevId = before[name];
    const prev = prevId ? known.get(prevId) : undefined;
    const parentEffects = model.parents.map((p) => ({ p, e: effect.get(p) })).filter((x) => x.e);
    const upstreamBreaking = parentEffects.some((x) => x.e!.category === 'breaking');
    const causes = [...new Set(parentEffects.flatMap((x) => x.e!.causes))].sort();
    const upstreamForwardOnly = parentEffects.some((x) => x.e!.category === 'forward-only');
    // Outside prod, whatever reads a preview is previewed too: its table must never be reused by prod.
    const readsPreview = input.environment !== PROD && model.parents.some((p) => isPreview(snapshots[target[p]]));

    let snapshot: Snapshot;
    if (prevId === id && prev) {
      snapshot = prev;
    } else if (prev && prevId === previewId(id)) {
      // The environment already previews exactly this definition.
      snapshot = prev;
    } else {
      let category: ChangeCategory | undefined;
      let version = versionOf(fingerprint);
      if (!prev) {
        added.push(name);
        effect.set(name, { category: 'breaking', causes: [name] });
      } else if (!input.kept?.has(name) && (prev.fingerprint.ownData !== fingerprint.ownData || prev.fingerprint.metadata !== fingerprint.metadata)) {
        const direct = categorizeDirectChange(
          { fingerprint: prev.fingerprint, shape: prev.model.shape, kindJson: JSON.stringify(prev.model.kind) },
          { fingerprint, shape: model.shape, kindJson: JSON.stringify(model.kind) },
        );
        category = direct === 'non-breaking' && upstreamBreaking ? 'breaking' : direct;
        if (direct === 'metadata' && parentEffects.length) category = upstreamBreaking ? 'breaking' : 'non-breaking';
        directlyModified.push({ name, category: direct });
        diffs.push({ name, file: model.file, before: prev.model.source, after: model.source });
        if (category !== 'metadata') effect.set(name, { category, causes: [...new Set([name, ...causes])].sort() });
        // Own query unchanged and nothing breaking upstream: the table stays valid (a view must repoint).
        if (category === 'metadata' || (category === 'non-breaking' && direct === 'metadata' && !kindStrategy(model.kind).bindsParents)) version = prev.version;
      } else {
        category = upstreamBreaking ? 'breaking' : 'non-breaking';
        indirectlyModified.push({ name, category, causes });
        effect.set(name, { category, causes });
        // A view is free to recreate, and must read its parents' new tables.
        if (category === 'non-breaking' && !kindStrategy(model.kind).bindsParents) version = prev.version;
      }
      const keepsTable = prev && kindStrategy(model.kind).forwardOnlyKeepsTable && prev.model.kind.name === model.kind.name;
      const wantsForwardOnly = input.forwardOnly || model.forwardOnly || (upstreamForwardOnly && category !== 'breaking');
      if (prev && keepsTable && wantsForwardOnly && (category === 'breaking' || category === 'non-breaking')) {
        category = 'forward-only';
        version = prev.version;
        effect.set(name, { category, causes: effect.get(name)?.causes ?? causes });
        const change = directlyModified.at(-1)?.name === name ? directlyModified.at(-1)! : indirectlyModified.at(-1);
        if (change?.name === name && change.category !== 'metadata') change.category = 'forward-only';
      }
      const preview = input.environment !== PROD && (category === 'forward-only' || readsPreview || (isPreview(prev) && version === prev!.version));
      const existing = known.get(preview ? previewId(id) : id);
      if (existing) {
        snapshot = existing;
      } else {
        const parents = Object.fromEntries(model.parents.map((p) => [p, target[p]]));
        const made = makeSnapshot(model, fingerprint, version, parents, category, now);
        snapshot = preview ? asPreview(made) : made;
        newSnapshotIds.push(snapshot.id);
      }
      if (!preview && category === 'forward-only' && snapshot.version === prev?.version) migrations.push(snapshot.id);
    }
    target[name] = snapshot.id;
    snapshots[snapshot.id] = snapshot;
  }

  const removed = Object.keys(before).filter((n) => !project.models.has(n)).sort();
  const views = viewSet(input, target, snapshots);
  const previous = input.current ?? input.replaces;
  const oldViews = new Set(previous?.views ?? []);
  const oldTargets = previous?.snapshots ?? {};
  const upsert = views.filter((n) => {
    // An expired record's views may be half dropped by a janitor: recreate them all.
    if (!input.current || !oldViews.has(n)) return true;
    const oldId = oldTargets[n];
    const old = oldId ? known.get(oldId) ?? (oldId === target[n] ? snapshots[oldId] : undefined) : undefined;
    // Unknown old snapshot: repoint to be safe.
    // A forward-only change keeps the version but may add columns a view must show.
    return !old || old.version !== snapshots[target[n]].version || (old.id !== target[n] && snapshots[target[n]].category === 'forward-only');
  });
  const viewNames = new Set(views);
  const drop = [...oldViews].filter((n) => !viewNames.has(n)).sort();

  return {
    id: input.planId,
    environment: input.environment,
    base: input.current ? input.environment : input.base?.name ?? null,
    expectedPlanId: previous?.planId ?? null,
    isNewEnvironment: !input.current,
    createdAt: now,
    added,
    removed,
    directlyModified,
    indirectlyModified,
    diffs,
    target,
    views,
    snapshots,
    newSnapshotIds,
    builds: [],
    viewChanges: { upsert, drop },
    backfill: {},
    migrations,
    allowDestructive: input.allowDestructive ?? false,
  };
}

/**
 * Prod, and any environment planned with --include-unmodified, has a view for every
 * model; other environments only for the models whose snapshot differs from prod's.
 */
function viewSet(input: PlanInput, target: Record<string, string>, snapshots: Record<string, Snapshot>): string[] {
  const all = input.project.order.filter((n) => kindStrategy(snapshots[target[n]].model.kind).physical !== null);
  if (input.environment === PROD || input.includeUnmodified) return all;
  const prod = input.prod?.snapshots ?? {};
  return all.filter((n) => prod[n] !== target[n]);
}
