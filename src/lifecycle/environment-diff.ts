import { changedFields } from '../snapshot/changed-fields.js';
import { PlannerError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { categorizeDirectChange } from '../snapshot/categorize.js';
import type { ChangeCategory, Snapshot, SnapshotModel } from '../snapshot/snapshot.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import { reachable, topologicalOrder } from '../util/dag.js';
import { lazyRequire } from '../util/lazy-require.js';

// Loaded on first use: only a plan with changes, or a diff, compares texts.
const diff = lazyRequire<typeof import('diff')>('diff');

/** One side of a comparison: an environment from state, or the local project as planned. */
export interface EnvironmentSide {
  label: string;
  /** The local project as planned, not an environment from state. */
  local?: boolean;
  /** Model name -> the snapshot this side points at. */
  snapshots: Map<string, Snapshot>;
}

/** A model downstream of a change: breaking when its table differs between the sides, else non-breaking. */
export interface AffectedModel {
  name: string;
  category: 'breaking' | 'non-breaking';
}

/** A model whose own definition differs between the sides. */
export interface ModelDiff {
  name: string;
  category: ChangeCategory;
  file: string;
  /** The settings that differ (`query`, `cron`, `owner`, ...), for changes a text diff does not show. */
  fields: string[];
  /** Unified diff of the model file, from side B to side A; empty when the text is the same. */
  diff: string;
  /** Models downstream whose snapshot differs too (through this change, and maybe their own). */
  affected: AffectedModel[];
}

/** A model that differs only because something upstream did. */
export interface IndirectDiff extends AffectedModel {
  /** The changed or added models upstream that caused it. */
  causes: string[];
}

/** What side A changes relative to side B (`planner diff A B`). */
export interface EnvironmentDiff {
  a: string;
  b: string;
  /** Side A is the local project (`planner diff ENV`). */
  aIsLocal: boolean;
  onlyInA: string[];
  onlyInB: string[];
  modified: ModelDiff[];
  indirectlyModified: IndirectDiff[];
}

/** True when the two sides point at different snapshots for any model. */
export function hasDifferences(d: EnvironmentDiff): boolean {
  return d.onlyInA.length + d.onlyInB.length + d.modified.length + d.indirectlyModified.length > 0;
}

/** The snapshots an environment record points at. A missing snapshot row is a broken state. */
export async function environmentSide(state: StateReader, env: EnvironmentRecord): Promise<EnvironmentSide> {
  const found = await state.getSnapshots(Object.values(env.snapshots));
  const snapshots = new Map<string, Snapshot>();
  for (const [name, id] of Object.entries(env.snapshots)) {
    const s = found.get(id);
    if (!s) {
      throw new PlannerError('inconsistent_state', `environment '${env.name}' points at snapshot ${id}, which state does not hold`, {
        hint: 'run `planner verify` to see every problem',
      });
    }
    snapshots.set(name, s);
  }
  return { label: env.name, snapshots };
}

/** What an environment would point at if `plan` were applied. */
export function planSide(plan: Plan, label: string): EnvironmentSide {
  return { label, local: true, snapshots: new Map(Object.entries(plan.target).map(([name, id]) => [name, plan.snapshots[id]])) };
}

/**
 * Compares two sides model by model. A model whose own definition differs is directly
 * modified, with the category a plan would give it; one whose snapshot differs only
 * through its parents is indirectly modified. Pure.
 */
export function compareEnvironments(a: EnvironmentSide, b: EnvironmentSide): EnvironmentDiff {
  const onlyInA = [...a.snapshots.keys()].filter((n) => !b.snapshots.has(n)).sort();
  const onlyInB = [...b.snapshots.keys()].filter((n) => !a.snapshots.has(n)).sort();
  const order = dagOrder(a.snapshots);
  const differing = new Set(order.filter((n) => b.snapshots.has(n) && b.snapshots.get(n)!.id !== a.snapshots.get(n)!.id));
  const direct = new Set([...differing].filter((n) => ownChange(a.snapshots.get(n)!, b.snapshots.get(n)!)));
  const children = new Map<string, string[]>();
  for (const [name, s] of a.snapshots) {
    for (const p of Object.keys(s.parents)) children.set(p, [...(children.get(p) ?? []), name]);
  }
  const effect = (n: string): AffectedModel['category'] => (a.snapshots.get(n)!.version !== b.snapshots.get(n)!.version ? 'breaking' : 'non-breaking');
  const indirect = (n: string) => differing.has(n) && !direct.has(n);

  const modified: ModelDiff[] = [...direct].map((name) => {
    const next = a.snapshots.get(name)!;
    const prev = b.snapshots.get(name)!;
    const downstream = reachable([name], (n) => children.get(n) ?? []);
    return {
      name,
      category: category(prev, next),
      file: next.model.file,
      fields: changedFields(prev.model, next.model),
      diff: unifiedDiff(`${b.label}/${prev.model.file}`, `${a.label}/${next.model.file}`, prev.model.source, next.model.source),
      affected: order.filter((n) => downstream.has(n) && differing.has(n)).map((n) => ({ name: n, category: effect(n) })),
    };
  });
  const roots = new Set([...direct, ...onlyInA]);
  const indirectlyModified = [...differing].filter(indirect).map((name) => {
    const upstream = reachable([name], (n) => Object.keys(a.snapshots.get(n)?.parents ?? {}));
    return { name, category: effect(name), causes: [...upstream].filter((n) => roots.has(n)).sort() };
  });
  return { a: a.label, b: b.label, aIsLocal: a.local ?? false, onlyInA, onlyInB, modified, indirectlyModified };
}

function ownChange(a: Snapshot, b: Snapshot): boolean {
  return a.fingerprint.ownData !== b.fingerprint.ownData || a.fingerprint.metadata !== b.fingerprint.metadata;
}

/** As the plan builder categorizes; a breaking change that kept its table was applied forward-only. */
function category(prev: Snapshot, next: Snapshot): ChangeCategory {
  const shape = (s: Snapshot) => ({ fingerprint: s.fingerprint, shape: s.model.shape, kindJson: JSON.stringify(s.model.kind) });
  const direct = categorizeDirectChange(shape(prev), shape(next));
  return direct === 'breaking' && prev.version === next.version ? 'forward-only' : direct;
}

/** A unified diff (`---`/`+++` headers and hunks with 3 lines of context); empty when equal. */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = diff().structuredPatch(oldName, newName, before, after, '', '', { context: 3 });
  const lines = [`--- ${oldName}`, `+++ ${newName}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith('\\')));
  }
  return lines.join('\n');
}

function dagOrder(snapshots: Map<string, Snapshot>): string[] {
  const names = [...snapshots.keys()].sort();
  const result = topologicalOrder(names, (n) => Object.keys(snapshots.get(n)!.parents));
  return 'order' in result ? result.order : names;
}
