import type { MaskRule } from '../config/types.js';
import type { Interval } from '../intervals/interval.js';
import type { ChangeCategory, Snapshot } from '../snapshot/snapshot.js';
import type { VirtualLayout } from '../snapshot/virtual-names.js';
import type { BehindModel } from './environment-history.js';
import type { ViewSharing } from './view-sharing.js';

export interface ModelChange {
  name: string;
  category: ChangeCategory;
  /** A metadata-only change: the settings that differ (cron, owner, ...), so a plan can say why nothing is rebuilt. */
  changed?: string[];
  /** Its table was built from masked values (plan/masked-build.ts), so it is built again, though the change alone would keep it. */
  remasked?: true;
}

export interface IndirectChange extends ModelChange {
  /** The directly modified models upstream that caused this change. */
  causes: string[];
}

/** A unified-diff-ready pair of definitions of one directly modified model. */
export interface DefinitionDiff {
  name: string;
  file: string;
  before: string;
  after: string;
}

/** One batch of a backfill: the query runs for [start, end); `intervals` are recorded once it succeeds. */
export interface BackfillBatch extends Interval {
  intervals: Interval[];
}

/** What one snapshot computes in a plan or a run. */
export interface SnapshotBackfill {
  /** Computed intervals to forget first: a restatement recomputes them in place. */
  restate: Interval[];
  /** In order; a FULL model has at most one (it is rebuilt whole). */
  batches: BackfillBatch[];
}

/**
 * The difference between the local project and an environment, and what applying it
 * takes. Pure data: made without touching a database, saved to a file as JSON, applied
 * later by the evaluator.
 */
export interface Plan {
  id: string;
  environment: string;
  /** What the project was compared with: the environment itself, or the one a new environment starts from. */
  base: string | null;
  /** The environment's plan id when this plan was made (null: it did not exist); apply refuses if it moved. */
  expectedPlanId: string | null;
  isNewEnvironment: boolean;
  createdAt: number;
  added: string[];
  removed: string[];
  directlyModified: ModelChange[];
  indirectlyModified: IndirectChange[];
  diffs: DefinitionDiff[];
  /** Every model the environment will hold: name -> snapshot id. */
  target: Record<string, string>;
  /** The models that get a view in the environment. */
  views: string[];
  /** How many of `views` read the tables of the environment it came from, and how many its own. */
  viewSharing?: ViewSharing;
  /** Where the environment's views go (the project's `virtualLayout`). */
  layout: VirtualLayout;
  /** Where its current views are, when that differs: every view moves to `layout`, and `viewChanges.drop` is in this layout. */
  previousLayout?: VirtualLayout;
  /** The snapshots of `target` (all of them, new and existing), by id. */
  snapshots: Record<string, Snapshot>;
  /** Snapshots that state does not have yet. */
  newSnapshotIds: string[];
  /** Snapshot ids whose physical table must be built, parents first. */
  builds: string[];
  /** Views to create or repoint, and views to drop, in the environment. */
  viewChanges: { upsert: string[]; drop: string[] };
  /** Per snapshot id of `builds` that tracks intervals: the intervals it computes. */
  backfill: Record<string, SnapshotBackfill>;
  /** Forward-only snapshots that keep an existing table: its columns are migrated (ALTER) on apply. */
  migrations: string[];
  /** Models the environment moves to prod's current snapshot, which replaced the one it held (no build). */
  caughtUp?: BehindModel[];
  /** Let a forward-only migration drop or retype columns (`--allow-destructive`). */
  allowDestructive: boolean;
  /** A sanitized environment's column masks, applied by its views (model -> column -> mask): the config's and those lineage adds. */
  masks?: Record<string, Record<string, MaskRule>>;
  /** Per model, the columns of `masks` that column lineage added (and why it masked every column, if it did). */
  lineage?: Record<string, { columns: string[]; opaque?: string }>;
}

/** True when applying would change nothing at all. */
export function isEmptyPlan(plan: Plan): boolean {
  return !plan.isNewEnvironment && !plan.caughtUp?.length && !plan.builds.length && !plan.viewChanges.upsert.length && !plan.viewChanges.drop.length && !plan.added.length && !plan.removed.length && !plan.directlyModified.length && !plan.indirectlyModified.length;
}

/** The parent snapshots a plan's builds read: each model's snapshot in the plan's target. */
export function planParentOf(plan: Plan): (name: string) => Snapshot | undefined {
  return (name) => {
    const id = plan.target[name];
    return id ? plan.snapshots[id] : undefined;
  };
}
