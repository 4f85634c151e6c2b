import { changedFields } from '../snapshot/changed-fields.js';
import type { Project } from '../model/load-project.js';
import { makeSnapshot, versionOf } from '../snapshot/make-snapshot.js';
import type { Fingerprint, Snapshot, SnapshotModel } from '../snapshot/snapshot.js';
import type { EnvironmentRecord } from '../state/state-store.js';
import type { VirtualLayout } from '../snapshot/virtual-names.js';
import type { DefinitionDiff, IndirectChange, ModelChange, Plan } from './plan.js';
import { applyForwardOnly, categorize, chooseVersion, isPreviewed, listedCategory, planViews, type Effect, type ModelState } from './plan-steps.js';
import { asMaskedBuild, heldMaskedAlike, isMaskedBuild, isMaskedBuildOf, maskedId, ownMasks, parentMasks, type Sanitized } from './masked-build.js';
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
  /** Where the environment's views go (the project's `virtualLayout`). */
  layout: VirtualLayout;
  /** `--select-model`: models planned with their stored definition, so never directly modified. */
  kept?: ReadonlySet<string>;
  now: number;
  /** `--forward-only`: every change keeps its existing table where the kind allows. */
  forwardOnly?: boolean;
  /** `--allow-destructive`: a forward-only change may drop or retype columns. */
  allowDestructive?: boolean;
  /** A sanitized environment's masks: the tables it builds read their parents masked (masked-build.ts). */
  sanitized?: Sanitized;
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
  const effect = new Map<string, Effect>();

  /** Each model's snapshot in `project.order`, for the views (planViews): no second lookup by name. */
  const ordered: Snapshot[] = [];
  /** Models the environment holds now: when that is all it holds, nothing is removed. */
  let held = 0;
  for (const name of project.order) {
    const { fingerprint, id } = fingerprints.get(name)!;
    const prevId = before[name];
    if (prevId !== undefined) held++;
    const prev = prevId ? known.get(prevId) : undefined;
    // Unchanged, or the environment already previews (or builds masked, under its masks) exactly this definition.
    // A table built under other masks (or any, once the environment is not sanitized) holds values it must not show: built again (decide).
    const kept = prev && (prevId === id || prevId === previewId(id) || (isMaskedBuildOf(prevId, id) && heldMaskedAlike(prev, input.sanitized))) ? prev : undefined;
    let snapshot = kept;
    if (!snapshot) {
      const model = project.models.get(name)!;
      snapshot = decide(name, { model, fingerprint, prev, parentEffects: model.parents.flatMap((p) => effect.get(p) ?? []), kept: input.kept?.has(name) ?? false }, id);
    }
    target[name] = snapshot.id;
    snapshots[snapshot.id] = snapshot;
    ordered.push(snapshot);
  }

  /** A changed model through the steps, then its records: each decided once, never edited. */
  function decide(name: string, state: ModelState, id: string): Snapshot {
    const { model, prev } = state;
    const categorized = categorize(state);
    const { categorized: c, version: chosen } = applyForwardOnly(state, categorized, chooseVersion(state, categorized), input.forwardOnly ?? false);
    // A masked build's table is never kept under another snapshot: a plain one would let prod (or any
    // environment) reuse masked values. Like a preview's, its model is built again: masked here, or from the real values.
    const remasked = isMaskedBuild(prev) && chosen === prev!.version;
    const version = remasked ? versionOf(state.fingerprint) : chosen;
    const why = remasked ? { remasked: true as const } : {};
    if (c.change === 'added') added.push(name);
    if (c.change === 'direct') {
      const category = listedCategory(c);
      directlyModified.push({ name, category, ...(category === 'metadata' ? { changed: changedFields(prev!.model, model) } : {}), ...why });
      diffs.push(definitionDiff(name, prev!.model, model));
    }
    if (c.change === 'indirect') indirectlyModified.push({ name, category: listedCategory(c), causes: c.causes, ...why });
    if (c.effect) effect.set(name, c.effect);
    // Outside prod, whatever reads a preview is previewed too: its table must never be reused by prod.
    const readsPreview = model.parents.some((p) => isPreview(snapshots[target[p]]));
    const previewed = isPreviewed(input.environment, state, c, version, readsPreview);
    // A sanitized environment builds a new table that reads a masked parent (or a masked
    // build) from masked values, or masks columns of its own, in a table of its own; a kept
    // version stays prod's table.
    const builds = input.sanitized && (previewed || version !== prev?.version);
    const readMasks = builds ? parentMasks(name, project, input.sanitized!, (p) => snapshots[target[p]]) : undefined;
    const writeMasks = builds ? ownMasks(model, input.sanitized!) : undefined;
    const masked = readMasks && (Object.keys(readMasks).length > 0 || writeMasks || model.parents.some((p) => isMaskedBuild(snapshots[target[p]]))) ? readMasks : undefined;
    const preview = !masked && previewed;
    let snapshot = known.get(masked ? maskedId(id, input.sanitized!.tag) : preview ? previewId(id) : id);
    if (!snapshot) {
      const parents = Object.fromEntries(model.parents.map((p) => [p, target[p]]));
      const made = makeSnapshot(model, state.fingerprint, version, parents, c.category, now);
      snapshot = masked ? asMaskedBuild(made, input.sanitized!.tag, masked, input.sanitized!.passedOn[name], writeMasks) : preview ? asPreview(made) : made;
      newSnapshotIds.push(snapshot.id);
    }
    if (!preview && !masked && c.category === 'forward-only' && snapshot.version === prev?.version) migrations.push(snapshot.id);
    return snapshot;
  }

  const names = Object.keys(before);
  const removed = held === names.length ? [] : names.filter((n) => !project.models.has(n)).sort();
  const previous = input.current ?? input.replaces;
  const { views, upsert, drop, previousLayout } = planViews(input, target, snapshots, ordered);

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
    layout: input.layout,
    ...(previousLayout ? { previousLayout } : {}),
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
 * A hand edit shows as the file's diff. A change that only a macro file, a config
 * variable or a blueprint made leaves the file as it was: it shows as the diff of the SQL
 * that runs (statements and query after macro expansion), so the plan never shows an
 * empty diff for a modified model.
 */
function definitionDiff(name: string, before: SnapshotModel, after: SnapshotModel): DefinitionDiff {
  if (before.source !== after.source) return { name, file: after.file, before: before.source, after: after.source };
  const expanded = (m: SnapshotModel) => [...(m.statements?.pre ?? []), m.query, ...(m.statements?.post ?? [])].map((s) => `${s};\n`).join('');
  return { name, file: `${after.file} (after macro expansion)`, before: expanded(before), after: expanded(after) };
}
