import type { VirtualLayout } from '../snapshot/virtual-names.js';
import { formatInterval, mergeIntervals } from '../intervals/interval.js';
import { compareEnvironments, type EnvironmentSide } from '../lifecycle/environment-diff.js';
import type { Plan } from '../plan/plan.js';
import type { ChangeCategory, Snapshot } from '../snapshot/snapshot.js';
import type { EnvironmentDiffEntry } from '../table-diff/diff-models.js';
import { environmentViews, type ReviewView } from './environment-views.js';
import type { ReviewTrail } from './approval-trail.js';

/** What a review does to one model; each has its own colour in the report. */
export type ModelStatus = 'added' | 'breaking' | 'non-breaking' | 'forward-only' | 'metadata' | 'indirect' | 'unchanged' | 'removed';

export const STATUS_ORDER: readonly ModelStatus[] = ['added', 'breaking', 'non-breaking', 'forward-only', 'metadata', 'indirect', 'removed', 'unchanged'];

export const STATUS_LABEL: Record<ModelStatus, string> = {
  added: 'added',
  breaking: 'breaking',
  'non-breaking': 'non-breaking',
  'forward-only': 'forward-only',
  metadata: 'metadata',
  indirect: 'indirectly modified',
  unchanged: 'unchanged',
  removed: 'removed',
};

/** One node of the lineage graph. */
export interface ReviewModel {
  name: string;
  schema: string;
  status: ModelStatus;
  kind: string;
  /** Parent models that are in the graph. */
  parents: string[];
}

/** A model the review changes (added, removed, directly or indirectly modified), with why and its SQL on both sides. */
export interface ReviewChange {
  name: string;
  status: Exclude<ModelStatus, 'unchanged'>;
  /** For indirect changes: whether the model's table is rebuilt (breaking) or kept. */
  effect?: ChangeCategory;
  why: string;
  file: string | null;
  before: string;
  after: string;
  columns: { added: string[]; removed: string[]; retyped: { name: string; from: string; to: string }[] };
}

/** A table the plan builds, and the intervals it fills. */
export interface ReviewBuild {
  model: string;
  table: string;
  kind: string;
  compute: string[];
  restate: string[];
  batches: number;
}

export interface ReviewTableDiff {
  model: string;
  entry: EnvironmentDiffEntry;
}

/** Everything a report or a pull-request summary shows; plain data, made without I/O. */
export interface Review {
  kind: 'plan' | 'diff' | 'table-diff';
  title: string;
  /** The changed side (the planned environment, ENV_A) and the side it is compared with. */
  a: string;
  b: string | null;
  models: ReviewModel[];
  /** parent -> child, one per dependency between models in the graph. */
  edges: [string, string][];
  changes: ReviewChange[];
  builds: ReviewBuild[];
  views: { environment: string; sharedWith: string | null; rows: ReviewView[] } | null;
  tableDiffs: ReviewTableDiff[];
  /** Who wrote and who approved the plans shown (a saved plan, or the plans environments are at), with the saved plan's evidence. */
  trails: ReviewTrail[];
}

export interface ReviewInput {
  kind: Review['kind'];
  title: string;
  /** The side shown as changed: the planned environment or ENV_A. */
  after: EnvironmentSide;
  /** What it is compared with; null when nothing exists yet (a first plan). */
  before: EnvironmentSide | null;
  /** A plan adds its categories, builds and intervals. */
  plan?: Plan;
  /** The environment whose views are pictured, the models it has views of, and the side whose tables count as shared. */
  views?: { environment: string; layout: VirtualLayout; models: string[]; sharedWith: EnvironmentSide | null };
  tableDiffs?: ReviewTableDiff[];
  trails?: ReviewTrail[];
}

/**
 * Turns two sides of a comparison (and the plan between them, if any) into what a report
 * shows. Pure: the sides are read from state (or planned) by the caller.
 * @example buildReview({ kind: 'plan', title: 'Plan for dev', after: planSide(plan, 'dev'), before: prodSide, plan })
 */
export function buildReview(input: ReviewInput): Review {
  const before = input.before ?? { label: 'nothing', snapshots: new Map<string, Snapshot>() };
  const diff = compareEnvironments(input.after, before);
  const planCategory = new Map<string, ChangeCategory>((input.plan?.directlyModified ?? []).map((c) => [c.name, c.category]));
  const status = new Map<string, ModelStatus>();
  const changes: ReviewChange[] = [];
  const columnsOf = (s: Snapshot | undefined) => s?.model.shape?.columns ?? null;

  for (const name of diff.onlyInA) {
    const s = input.after.snapshots.get(name)!;
    status.set(name, 'added');
    changes.push({ name, status: 'added', why: `new ${s.model.kind.name} model`, file: s.model.file, before: '', after: s.model.source, columns: columnChange(null, s) });
  }
  for (const m of diff.modified) {
    const category = planCategory.get(m.name) ?? m.category;
    const prev = before.snapshots.get(m.name)!;
    const next = input.after.snapshots.get(m.name)!;
    const columns = columnChange(prev, next);
    status.set(m.name, category);
    changes.push({ name: m.name, status: category, why: directWhy(category, m.fields, columns, m.affected.length), file: m.file, before: prev.model.source, after: next.model.source, columns });
  }
  for (const m of diff.indirectlyModified) {
    const s = input.after.snapshots.get(m.name)!;
    status.set(m.name, 'indirect');
    const effect = m.category === 'breaking' ? 'gets a new table (its parent changed in a breaking way)' : 'keeps its table';
    changes.push({ name: m.name, status: 'indirect', effect: m.category, why: `upstream ${m.causes.join(', ')} changed; this model ${effect}`, file: s.model.file, before: s.model.source, after: s.model.source, columns: { added: [], removed: [], retyped: [] } });
  }
  for (const name of diff.onlyInB) {
    const s = before.snapshots.get(name)!;
    status.set(name, 'removed');
    changes.push({ name, status: 'removed', why: `no longer in ${input.after.label}; its view is dropped`, file: s.model.file, before: s.model.source, after: '', columns: { added: [], removed: columnsOf(s) ?? [], retyped: [] } });
  }

  const models: ReviewModel[] = [];
  const edges: [string, string][] = [];
  const addModel = (s: Snapshot, graph: Map<string, Snapshot>) => {
    const parents = Object.keys(s.parents).filter((p) => graph.has(p)).sort();
    models.push({ name: s.name, schema: s.model.schema, status: status.get(s.name) ?? 'unchanged', kind: s.model.kind.name, parents });
    for (const p of parents) edges.push([p, s.name]);
  };
  for (const s of [...input.after.snapshots.values()].sort(byName)) addModel(s, input.after.snapshots);
  for (const name of diff.onlyInB) addModel(before.snapshots.get(name)!, before.snapshots);

  const order = new Map(STATUS_ORDER.map((s, i) => [s, i]));
  changes.sort((x, y) => order.get(x.status)! - order.get(y.status)! || x.name.localeCompare(y.name));
  return {
    kind: input.kind,
    title: input.title,
    a: input.after.label,
    b: input.before?.label ?? null,
    models,
    edges,
    changes,
    builds: input.plan ? planBuilds(input.plan) : [],
    views: input.views
      ? { environment: input.views.environment, sharedWith: input.views.sharedWith?.label ?? null, rows: environmentViews(input.views.environment, input.views.layout, input.views.models, input.after, input.views.sharedWith) }
      : null,
    tableDiffs: input.tableDiffs ?? [],
    trails: input.trails ?? [],
  };
}

function byName(a: Snapshot, b: Snapshot): number {
  return a.name.localeCompare(b.name);
}

/** Output columns by name (from the query) and declared types (from the header's `columns`). */
function columnChange(prev: Snapshot | null, next: Snapshot): ReviewChange['columns'] {
  const was = prev?.model.shape?.columns ?? [];
  const now = next.model.shape?.columns ?? [];
  const typeOf = (s: Snapshot | null) => new Map((s?.model.columns ?? []).map((c) => [c.name.toLowerCase(), c.type]));
  const [oldTypes, newTypes] = [typeOf(prev), typeOf(next)];
  const retyped = [...newTypes].filter(([n, t]) => oldTypes.has(n) && oldTypes.get(n)!.toLowerCase() !== t.toLowerCase()).map(([name, to]) => ({ name, from: oldTypes.get(name)!, to }));
  return { added: now.filter((c) => !was.includes(c)), removed: prev ? was.filter((c) => !now.includes(c)) : [], retyped };
}

function directWhy(category: ChangeCategory, fields: string[], columns: ReviewChange['columns'], downstream: number): string {
  const changed = fields.length ? `changed: ${fields.join(', ')}` : 'changed';
  switch (category) {
    case 'non-breaking':
      return `${changed}; only adds ${columns.added.length ? `column${columns.added.length === 1 ? '' : 's'} ${columns.added.join(', ')}` : 'columns'}, so it is rebuilt and its children keep their tables`;
    case 'breaking':
      return `${changed}; the change can alter existing rows or columns, so ${downstream ? `this model and ${downstream} downstream get new tables` : 'this model gets a new table'}`;
    case 'metadata':
      return `${changed}; metadata only, nothing is rebuilt`;
    case 'forward-only':
      return `${changed}; forward-only: the existing table is kept and the change applies from now on`;
    default: {
      const never: never = category;
      return never;
    }
  }
}

/** The plan's builds, parents first, with the intervals each computes. */
function planBuilds(plan: Plan): ReviewBuild[] {
  return plan.builds.map((id) => {
    const s = plan.snapshots[id];
    const work = plan.backfill?.[id];
    const computed = mergeIntervals((work?.batches ?? []).flatMap((b) => b.intervals));
    return {
      model: s.name,
      table: `${s.physical.schema}.${s.physical.table}`,
      kind: s.model.kind.name,
      compute: computed.map(formatInterval),
      restate: (work?.restate ?? []).map(formatInterval),
      batches: work?.batches.length ?? 0,
    };
  });
}
