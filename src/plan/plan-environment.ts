import { randomBytes } from 'node:crypto';
import { validateProjectAudits } from '../audit/validate-audits.js';
import type { EnvironmentSettings } from '../config/environment-settings.js';
import type { ResolvedConfig } from '../config/types.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { environmentMasks, withLineage, withMasks } from '../governance/masking.js';
import { maskedId, sanitizedBuilds } from './masked-build.js';
import { assertGatewayAllowed } from '../governance/policies.js';
import { assertNoMaskedTables } from '../governance/kept-tables.js';
import { assertNoSampledTables, sampledProject } from '../governance/sampling.js';
import { kindStrategy } from '../kinds/registry.js';
import { assertReferencesExist, schemasToList, undeclaredReferences } from '../model/external-references.js';
import { assertModelGateways, type Project } from '../model/load-project.js';
import { assertTableLayouts } from '../model/table-layout.js';
import { assertKeptLayouts } from './kept-layout.js';
import { fingerprintProject } from '../snapshot/fingerprint-project.js';
import { assertCurrentFingerprints } from '../snapshot/refingerprint.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { assertEnvironmentFits, assertNoViewClash, PROD, type LayoutModel } from '../snapshot/virtual-names.js';
import { assertStateSchema } from '../state/state-guard.js';
import { builtKey, type EnvironmentRecord, type SnapshotHead, type StateStore } from '../state/state-store.js';
import { validateEnvironmentName } from '../util/identifiers.js';
import { catchUpWithProd } from './catch-up.js';
import { findReverts, ReplacementHistory, type Revert } from './environment-history.js';
import type { Plan } from './plan.js';
import { addBackfill, type IntervalOptions } from './plan-backfill.js';
import { knownSnapshots } from './known-snapshots.js';
import { buildPlan } from './plan-builder.js';
import { previewId } from './preview.js';
import { restrictProject, selectedModels } from './select-models.js';
import { viewSharing } from './view-sharing.js';

export interface PlanOptions extends IntervalOptions {
  createFrom?: string;
  /** Accepted for compatibility: every model gets a view unless `changedOnly`. */
  includeUnmodified?: boolean;
  /** Views only for the models this environment changes (default: the environment's `changedOnly` setting). */
  changedOnly?: boolean;
  /** Keep existing tables: changes apply from now on (in dev: previewed in a table of their own). */
  forwardOnly?: boolean;
  /** Let a forward-only change drop or retype columns of the table it keeps. */
  allowDestructive?: boolean;
  /** Let a protected environment go back to a definition it replaced (the local project is older than it for that model). */
  allowRevert?: boolean;
  /** Take only these models' local changes (selectors: model/selectors.ts), and what they read from. */
  selectModels?: string[];
  /** Selectors of models whose local changes wait (they keep the environment's definition). */
  excludeModels?: string[];
}

/** What planning reads of the context that runs it: config, state, the engine's catalog, clocks. */
export interface PlanningContext {
  config: ResolvedConfig;
  gatewayName: string;
  engine: Pick<EngineAdapter, 'listObjects' | 'dialect' | 'readLayout'>;
  state: StateStore;
  settings(environment: string): EnvironmentSettings;
  /** The environment if it has not expired. */
  live(env: EnvironmentRecord | undefined): EnvironmentRecord | undefined;
  loadProject(environment: string): Promise<Project>;
  requireEnvironment(name: string): Promise<EnvironmentRecord>;
  now(): Date;
  executionNow(): Date;
}

/**
 * Plans `environment` against the local project: the project as the environment renders it,
 * checked (audits, gateways, external tables, view names), fingerprinted, compared with what
 * state holds, then categorized, kept in step with prod, guarded against reverts, and given
 * its backfill. Reads state and the catalog; changes nothing.
 */
export async function planEnvironment(ctx: PlanningContext, environment = PROD, options: PlanOptions = {}): Promise<Plan> {
  validateEnvironmentName(environment);
  if (environment === PROD && options.createFrom) {
    // Prod holds every interval of every model; another environment's tables may be partial.
    throw new InputError('--create-from applies to environments other than prod; prod is planned from the project', { code: 'invalid_option' });
  }
  assertGatewayAllowed(ctx.settings(environment), ctx.gatewayName);
  await assertStateSchema(ctx.state);
  if (options.changedOnly && options.includeUnmodified) {
    throw new InputError('--changed-only and --include-unmodified contradict each other: pick one', { code: 'invalid_option' });
  }
  const changedOnly = options.includeUnmodified ? false : options.changedOnly ?? ctx.settings(environment).changedOnly;
  let project = sampledProject(await ctx.loadProject(environment), ctx.settings(environment));
  validateProjectAudits(project, ctx.config.projectDir);
  assertModelGateways(project, ctx.gatewayName);
  assertTableLayouts(project.models.values(), ctx.engine.dialect);
  await assertExternalTablesExist(ctx, project);
  const layout = ctx.config.virtualLayout;
  const viewed = viewedModels(project);
  assertEnvironmentFits(environment, layout, viewed, ctx.config.stateSchema);
  await assertNoViewClashWith(ctx, environment, viewed);
  const stored = await ctx.state.getEnvironment(environment);
  const current = ctx.live(stored);
  let base: EnvironmentRecord | undefined;
  if (!current) {
    const from = options.createFrom ?? PROD;
    base = from === environment ? undefined : ctx.live(await ctx.state.getEnvironment(from));
    if (options.createFrom && !base) await ctx.requireEnvironment(options.createFrom);
  }
  const prod = environment === PROD ? current : await ctx.state.getEnvironment(PROD);
  const compareWith = current ?? base;
  let kept = new Map<string, Snapshot>();
  if (options.selectModels?.length || options.excludeModels?.length) {
    const selected = selectedModels(project, compareWith?.snapshots ?? {}, options.selectModels ?? [], options.excludeModels);
    const keep = Object.entries(compareWith?.snapshots ?? {}).filter(([name]) => !selected.has(name));
    kept = new Map([...(await ctx.state.getSnapshots(keep.map(([, id]) => id))).values()].map((s) => [s.name, s]));
    await assertNoSampledTables(ctx.settings(environment), [...kept.values()], (ids) => ctx.state.getSnapshots(ids), current ? undefined : base?.name);
    project = restrictProject(project, selected, kept);
  }
  const fingerprints = fingerprintProject(project, kept);
  const configured = environmentMasks(ctx.config.masking, ctx.settings(environment), project, ctx.config.configFile);
  const masks = await withLineage(project, configured);
  const sanitized = sanitizedBuilds(masks, configured);
  assertNoMaskedTables(environment, sanitized, [...kept.values()], current ? undefined : base?.name);

  // What the environment (or the one it starts from) holds: `wanted` starts as a copy (cheaper than a second set of the ids).
  const holds = new Set(Object.values(compareWith?.snapshots ?? {}));
  // The local snapshots that already exist, what they replace, and what the environment holds now.
  const wanted = new Set<string>(current ? holds : []);
  for (const [name, { id }] of fingerprints) {
    wanted.add(id);
    const before = compareWith?.snapshots[name];
    if (before) wanted.add(before);
    // The dev preview of a forward-only change is a snapshot of its own, looked up only for
    // a model planned afresh (buildPlan keeps one whose id, or whose preview's, is held).
    if (environment !== PROD && before !== id) wanted.add(previewId(id));
    if (sanitized) wanted.add(maskedId(id, sanitized.tag));
  }
  const heads = await ctx.state.getSnapshotHeads([...wanted]);
  // A held snapshot state no longer has is planned afresh after all, and may reuse its preview: asked for now.
  if (environment !== PROD && compareWith) {
    const previews: string[] = [];
    for (const [name, { id }] of fingerprints) if (compareWith.snapshots[name] === id && !heads.has(id)) previews.push(previewId(id));
    if (previews.length) for (const [id, head] of await ctx.state.getSnapshotHeads(previews)) heads.set(id, head);
  }
  // Snapshots fingerprinted by an older planner would all look edited: `planner migrate` first.
  const compared: SnapshotHead[] = [];
  for (const id of holds) {
    const head = heads.get(id);
    if (head) compared.push(head);
  }
  assertCurrentFingerprints(compared);
  const known = await knownSnapshots(ctx.state, heads, project, fingerprints, kept);

  let draft = buildPlan({
    planId: randomBytes(6).toString('hex'),
    environment,
    project,
    fingerprints,
    current,
    base,
    replaces: current ? undefined : stored,
    prod,
    known,
    includeUnmodified: !changedOnly,
    layout,
    kept: new Set(kept.keys()),
    forwardOnly: options.forwardOnly,
    allowDestructive: options.allowDestructive,
    now: ctx.now().getTime(),
    sanitized,
  });
  draft = await keepInStep(ctx, draft, project, current, prod, !changedOnly);
  await assertKeptLayouts(draft, ctx.engine);
  const candidates: string[] = [];
  for (const name in draft.target) {
    const id = draft.target[name];
    if (!holds.has(id)) candidates.push(builtKey(draft.snapshots[id].name, draft.snapshots[id].version));
  }
  const built = await ctx.state.getBuiltTables(candidates);
  // What the environment holds is built: its keys join those state confirmed. A held snapshot
  // is built (heldBuilt), so their keys are made only for another snapshot's lookup (one that
  // keeps a held version): none in a plan that changes nothing.
  let heldKeys: Set<string> | undefined;
  const drafted = draft.snapshots;
  const heldKeysOf = () => {
    const keys = new Set<string>();
    for (const id of holds) {
      const s = drafted[id];
      if (s) keys.add(builtKey(s.name, s.version));
    }
    return keys;
  };
  const builtKeys = { has: (key: string) => built.has(key) || (heldKeys ??= heldKeysOf()).has(key) };
  // Only an added or directly modified model can put back a replaced definition (findReverts).
  if (ctx.settings(environment).protected && !options.allowRevert && (draft.added.length || draft.directlyModified.length)) {
    const reverts = findReverts(draft, current, new ReplacementHistory(await ctx.state.listPlans(environment)));
    if (reverts.length) throw revertRefused(environment, reverts);
  }
  const sharedWith = environment === PROD ? undefined : base ?? ctx.live(await ctx.state.getEnvironment(current?.createdFrom ?? PROD)) ?? prod;
  draft.viewSharing = await viewSharing(ctx.state, environment, draft.views, draft.target, draft.snapshots, sharedWith);
  draft = withMasks(draft, masks, current);
  return addBackfill(draft, { state: ctx.state, order: project.order, built: builtKeys, heldBuilt: true, held: holds, prod, now: ctx.executionNow().getTime(), isProtected: (name) => ctx.settings(name).protected, options });
}

/** No view of this plan may land on another's name (suffix layouts): see `assertNoViewClash`. */
async function assertNoViewClashWith(ctx: PlanningContext, environment: string, viewed: LayoutModel[]): Promise<void> {
  const others = environment === PROD ? (await ctx.state.listEnvironments()).filter((e) => ctx.live(e)) : [];
  const views = others.map((e) => ({ name: e.name, views: e.views, layout: e.layout ?? 'schema-suffix' as const }));
  assertNoViewClash(environment, ctx.config.virtualLayout, viewed, views);
}

/** Tables the models read that are neither models nor declared must be in the warehouse: refused at plan time otherwise. */
async function assertExternalTablesExist(ctx: PlanningContext, project: Project): Promise<void> {
  const refs = undeclaredReferences(project, ctx.gatewayName);
  if (!refs.length) return;
  const objects = await ctx.engine.listObjects(schemasToList(refs));
  assertReferencesExist(project, refs, new Set(objects.map((o) => `${o.name.schema}.${o.name.table}`.toLowerCase())));
}

/** Moves the models where an environment is behind prod, and the local project does not change them, to prod's tables. */
async function keepInStep(ctx: PlanningContext, draft: Plan, project: Project, current: EnvironmentRecord | undefined, prod: EnvironmentRecord | undefined, completeViews: boolean): Promise<Plan> {
  if (draft.environment === PROD || !current || !prod) return draft;
  // Prod's snapshot of each model where it and the environment differ.
  const differing: string[] = [];
  for (const m in current.snapshots) {
    const theirs = prod.snapshots[m];
    if (theirs && theirs !== current.snapshots[m]) differing.push(theirs);
  }
  if (!differing.length) return draft;
  const prodHistory = new ReplacementHistory(await ctx.state.listPlans(PROD));
  const prodSnapshots = await ctx.state.getSnapshots(differing);
  const children = new Map<string, string[]>();
  for (const m of project.models.values()) {
    for (const p of m.parents) {
      const readers = children.get(p);
      if (readers) readers.push(m.name);
      else children.set(p, [m.name]);
    }
  }
  return catchUpWithProd(draft, { current, prod, prodHistory, prodSnapshots, children, completeViews });
}

/** The models that get a view: every one but those without a table of their own. */
function viewedModels(project: Project): LayoutModel[] {
  return [...project.models.values()].filter((m) => kindStrategy(m.kind).physical);
}

/** The revert guard's refusal: each model, the plan that replaced its local definition, and when. */
function revertRefused(environment: string, reverts: Revert[]): InputError {
  const lines = reverts.map((r) => `${r.model}: the local definition is one ${environment} replaced in plan ${r.planId} (applied ${new Date(r.appliedAt).toISOString()})`);
  return new InputError(`refusing to put back definitions ${environment} replaced; the local project is older than ${environment}:\n  ${lines.join('\n  ')}`, {
    code: 'revert_refused',
    hint: 'pull first (bring the local project up to date), or pass --allow-revert to put these definitions back on purpose',
  });
}
