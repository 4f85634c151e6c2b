import { customAuditsFor, runAudits, tallyAudits } from '../audit/run-audits.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { kindStrategy } from '../kinds/registry.js';
import { fullRefreshTimes } from '../plan/render-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** The audits of one changed model as run on the evidence environment's table: counts, and which failed. */
export interface EvidenceAudits {
  model: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Audits that could not run (their SQL failed). */
  errors: number;
  failures: { audit: string; count: number; blocking: boolean }[];
}

/**
 * Runs the audits of `snapshots` (the evidence environment's versions of the changed
 * models) on their tables, as `planner audit` does: reads only, an audit that cannot run
 * is counted, not thrown. Bad rows themselves never enter the plan file, only their count.
 */
export async function auditEvidence(engine: EngineAdapter, snapshots: readonly Snapshot[], projectDir: string, now: Date): Promise<EvidenceAudits[]> {
  const audited = snapshots.filter((s) => s.model.audits.length && kindStrategy(s.model.kind).physical !== null).sort((a, b) => a.name.localeCompare(b.name));
  const custom = customAuditsFor(audited, projectDir);
  const out: EvidenceAudits[] = [];
  for (const s of audited) {
    const results = await runAudits(s, engine, custom, fullRefreshTimes(s, now), true);
    const failures = results.filter((r) => !r.skipped && !r.error && r.count > 0).map((r) => ({ audit: r.audit, count: r.count, blocking: r.blocking }));
    out.push({ model: s.name, ...tallyAudits(results), failures });
  }
  return out;
}

/** One line per model: `3 passed, 1 failed (not_null(columns := [email]): 2 rows)`. */
export function auditLine(a: EvidenceAudits): string {
  const parts = [`${a.passed} passed`, `${a.failed} failed`];
  if (a.skipped) parts.push(`${a.skipped} skipped`);
  if (a.errors) parts.push(`${a.errors} could not run`);
  const failures = a.failures.map((f) => `${f.audit}: ${f.count} ${f.count === 1 ? 'row' : 'rows'}${f.blocking ? '' : ', non-blocking'}`);
  return `${parts.join(', ')}${failures.length ? ` (${failures.join('; ')})` : ''}`;
}
