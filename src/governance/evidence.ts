import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { Plan } from '../plan/plan.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import { diffEnvironments } from '../table-diff/diff-models.js';
import type { ValidationThresholds } from './metrics.js';
import { hasFlags, validateEnvironment, type ValidationReport } from './validate-environment.js';
import { auditEvidence, type EvidenceAudits } from './evidence-audits.js';

/** One model the plan changes, as a reviewer reads it. */
export interface EvidenceChange {
  model: string;
  change: 'added' | 'removed' | 'directly modified' | 'indirectly modified';
  category?: string;
}

/** A data diff of one changed model, reduced to counts (no row values enter the file). */
export interface EvidenceDiff {
  model: string;
  status: 'diffed' | 'skipped' | 'failed';
  reason?: string;
  rows?: { from: number; baseline: number; onlyInFrom: number; onlyInBaseline: number; different: number } | null;
}

/**
 * What a saved plan carries for its reviewers: the changes, and when it was planned
 * `--evidence-from` an environment that built them, that environment's validation
 * metrics and data diffs against the plan's environment. Taken when the plan is saved;
 * an approval is of the file, so of this evidence too.
 */
export interface PlanEvidence {
  environment: string;
  changes: EvidenceChange[];
  /** Tables applying the plan builds (0: promotion swaps views only). */
  builds: number;
  /** The environment the metrics come from, or null for changes only. */
  from: string | null;
  /** Changed models whose snapshot in `from` is not the plan's: the metrics are not of what will be promoted. */
  notAsPlanned: string[];
  validation: ValidationReport | null;
  diffs: EvidenceDiff[];
  /** The changed models' audits run on `from`'s tables (absent in files saved before audits were evidence). */
  audits?: EvidenceAudits[];
  /** Models with a validation flag. */
  flagged: string[];
}

export interface EvidenceOptions {
  thresholds?: Partial<ValidationThresholds>;
  /** Data diffs too (one FULL OUTER JOIN per changed model with a grain). */
  diffs?: boolean;
  /** Run the changed models' audits on `from`'s tables: the project's audits/ folder, and the time they render with. */
  audits?: { projectDir: string; now: Date };
}

/** The changes of `plan`, and (from `from`, compared with `baseline`) its metrics and diffs. */
export async function gatherEvidence(
  deps: { engine: EngineAdapter; state: StateReader },
  plan: Plan,
  from: EnvironmentRecord | undefined,
  baseline: EnvironmentRecord | undefined,
  options: EvidenceOptions = {},
): Promise<PlanEvidence> {
  const changes: EvidenceChange[] = [
    ...plan.added.map((model) => ({ model, change: 'added' as const })),
    ...plan.removed.map((model) => ({ model, change: 'removed' as const })),
    ...plan.directlyModified.map((c) => ({ model: c.name, change: 'directly modified' as const, category: c.category })),
    ...plan.indirectlyModified.map((c) => ({ model: c.name, change: 'indirectly modified' as const, category: c.category })),
  ].sort((a, b) => a.model.localeCompare(b.model));
  const evidence: PlanEvidence = { environment: plan.environment, changes, builds: plan.builds.length, from: from?.name ?? null, notAsPlanned: [], validation: null, diffs: [], audits: [], flagged: [] };
  if (!from) return evidence;
  const changed = changes.filter((c) => c.change !== 'removed').map((c) => c.model);
  evidence.notAsPlanned = changed.filter((m) => from.snapshots[m] !== plan.target[m]);
  const measured = changed.filter((m) => from.snapshots[m]);
  if (measured.length) {
    const validation = await validateEnvironment(deps, from, baseline, { models: measured, thresholds: options.thresholds });
    evidence.validation = validation;
    evidence.flagged = hasFlags(validation) ? validation.models.filter((m) => m.flags.length).map((m) => m.model) : [];
    if (options.audits) {
      const snapshots = await deps.state.getSnapshots(measured.map((m) => from.snapshots[m]));
      evidence.audits = await auditEvidence(deps.engine, [...snapshots.values()], options.audits.projectDir, options.audits.now);
    }
  }
  if (options.diffs !== false && baseline) {
    const entries = await diffEnvironments(deps, from, baseline);
    evidence.diffs = entries
      .filter((e) => changed.includes(e.model))
      .map((e) =>
        e.status === 'diffed'
          ? {
              model: e.model,
              status: e.status,
              rows: e.result.rows && {
                from: e.result.a.rows,
                baseline: e.result.b.rows,
                onlyInFrom: e.result.rows.onlyInA,
                onlyInBaseline: e.result.rows.onlyInB,
                different: e.result.rows.different,
              },
              ...(e.result.refused ? { reason: e.result.refused } : {}),
            }
          : { model: e.model, status: e.status, reason: e.reason },
      );
  }
  return evidence;
}
