import type { EngineAdapter, Row } from '../engine/engine-adapter.js';
import { EngineError, InputError, PlannerError } from '../errors.js';
import type { RenderTimes } from '../model/render.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { quoteTable } from '../util/identifiers.js';
import { assertRowLimit } from '../governance/policies.js';
import { AuditCompileError, compileAudit } from './audit-query.js';
import { builtinAudit } from './builtin-audits.js';
import { loadAudits, withInlineAudits, type AuditDefinition } from './load-audits.js';

/** The outcome of one audit on one model's table. */
export interface AuditResult {
  model: string;
  /** The call as written: `not_null(columns := [id])`. */
  audit: string;
  blocking: boolean;
  skipped: boolean;
  /** Bad rows found; 0 means the audit passed. */
  count: number;
  /** The first few bad rows, JSON-ready. */
  sample: Record<string, unknown>[];
  sql: string;
  /** Set when the audit could not run at all (with `keepGoing`). */
  error?: string;
}

const SAMPLE_ROWS = 5;

/**
 * Runs every audit of `snapshot` on its physical table: the number of bad rows and a
 * sample of them. `custom` holds the project's `audits/*.sql`.
 */
export async function runAudits(
  snapshot: Snapshot,
  engine: EngineAdapter,
  custom: ReadonlyMap<string, AuditDefinition>,
  times: RenderTimes,
  /** Record an audit that cannot run and go on (`planner audit`); an apply stops instead. */
  keepGoing = false,
): Promise<AuditResult[]> {
  const out: AuditResult[] = [];
  const defined = withInlineAudits(custom, snapshot.model.inlineAudits);
  for (const ref of snapshot.model.audits) {
    let compiled;
    try {
      compiled = compileAudit(ref, defined, { table: quoteTable(snapshot.physical), times, variables: snapshot.model.variables, dialect: snapshot.model.dialect });
    } catch (err) {
      if (err instanceof AuditCompileError) throw new InputError(err.message, { location: { file: snapshot.model.file }, code: 'invalid_audit' });
      throw err;
    }
    const result: AuditResult = { model: snapshot.name, audit: compiled.label, blocking: compiled.blocking, skipped: compiled.skip, count: 0, sample: [], sql: compiled.sql };
    if (!compiled.skip) {
      try {
        const counted = await engine.query(`SELECT COUNT(*) AS bad_rows FROM (${compiled.sql}) AS audit_rows`);
        result.count = Number(counted.rows[0]?.bad_rows ?? 0);
        // Ordered by the first column so the same bad rows show every time.
        if (result.count > 0) result.sample = (await engine.query(`SELECT * FROM (${compiled.sql}) AS audit_rows ORDER BY 1 LIMIT ${SAMPLE_ROWS}`)).rows.map(jsonRow);
      } catch (err) {
        const message = `audit ${compiled.label} on ${snapshot.name} could not run: ${(err as Error).message}`;
        if (!keepGoing) throw new EngineError(message, { cause: err, code: 'audit_error' });
        result.error = message;
      }
    }
    out.push(result);
  }
  return out;
}

/** How many audits passed, failed (bad rows), were skipped and could not run: each audit is in exactly one. */
export function tallyAudits(results: readonly AuditResult[]): { passed: number; failed: number; skipped: number; errors: number } {
  const ran = results.filter((r) => !r.skipped && !r.error);
  return {
    passed: ran.filter((r) => !r.count).length,
    failed: ran.filter((r) => r.count > 0).length,
    skipped: results.filter((r) => r.skipped).length,
    errors: results.filter((r) => r.error).length,
  };
}

/** The project's custom audits, read only when a model uses one (built-ins need no files). */
export function customAuditsFor(snapshots: readonly Snapshot[], projectDir: string): Map<string, AuditDefinition> {
  const needsFiles = snapshots.some((s) => s.model.audits.some((a) => !builtinAudit(a.name)));
  return needsFiles ? loadAudits(projectDir) : new Map();
}

/** One or more blocking audits found bad rows: the apply stops before any view is swapped. */
export class AuditFailedError extends PlannerError {
  constructor(readonly failures: AuditResult[]) {
    super('audit_failed', describeFailures(failures), {
      exitCode: 1,
      hint: 'the plan stopped before promotion, so no view changed; fix the data or the model and plan again (the table is rebuilt and audited again)',
    });
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      failures: this.failures.map(({ model, audit, count, sample, sql }) => ({ model, audit, count, sample, sql })),
    };
  }
}

/**
 * The evaluator's audit stage for one freshly built snapshot: runs its audits, reports
 * non-blocking failures through `warn`, and throws AuditFailedError when a blocking one
 * fails. Called before the table is recorded as built, so a failed table is rebuilt
 * and audited again by the next apply instead of being trusted.
 */
export async function auditBuiltSnapshot(snapshot: Snapshot, deps: AuditStageDeps, times: RenderTimes): Promise<void> {
  // The environment's row limit is checked like a blocking audit: before the table is recorded or seen.
  if (deps.maxRows !== undefined) await assertRowLimit(snapshot, deps.engine, deps.maxRows);
  if (!snapshot.model.audits.length) return;
  const custom = snapshot.model.audits.some((a) => !builtinAudit(a.name)) ? deps.customAudits() : new Map<string, AuditDefinition>();
  const results = await runAudits(snapshot, deps.engine, custom, times);
  const failed = results.filter((r) => r.count > 0);
  for (const r of failed.filter((f) => !f.blocking)) deps.warn?.(snapshot, describeFailure(r));
  const blocking = failed.filter((f) => f.blocking);
  if (blocking.length) throw new AuditFailedError(blocking);
}

/** A failure as text: what failed, how many rows, and a sample. */
export function describeFailure(r: AuditResult): string {
  const lines = [`audit ${r.audit} on ${r.model} found ${r.count} bad ${r.count === 1 ? 'row' : 'rows'}${r.blocking ? '' : ' (non-blocking)'}`];
  if (r.sample.length) {
    lines.push(`  sample (${r.sample.length} of ${r.count}):`);
    for (const row of r.sample) lines.push(`    ${formatRow(row)}`);
  }
  return lines.join('\n');
}

function describeFailures(failures: AuditResult[]): string {
  const head = failures.length === 1 ? 'a blocking audit failed' : `${failures.length} blocking audits failed`;
  return [`${head}; nothing was promoted`, ...failures.map(describeFailure)].join('\n');
}

function formatRow(row: Record<string, unknown>): string {
  const text = Object.entries(row)
    .map(([k, v]) => `${k}=${v === null || v === undefined ? 'NULL' : typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

function jsonRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint') out[k] = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    else if (v instanceof Date) out[k] = v.toISOString().replace(/T00:00:00\.000Z$/, '');
    else if (v !== null && typeof v === 'object') out[k] = String(v) === '[object Object]' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : String(v);
    else out[k] = v;
  }
  return out;
}

/** What the audit stage of an apply or run needs; `customAudits` reads audits/ at most once. */
export interface AuditStageDeps {
  engine: EngineAdapter;
  warn?: (snapshot: Snapshot, message: string) => void;
  customAudits: () => ReadonlyMap<string, AuditDefinition>;
  /** `policies.maxRowsPerModel` of the environment built for. */
  maxRows?: number;
}

/** The audit stage's dependencies for one apply or run: the project's custom audits are read once, when first needed. */
export function auditStage(engine: EngineAdapter, projectDir: string, warn?: AuditStageDeps['warn'], maxRows?: number): AuditStageDeps {
  let custom: Map<string, AuditDefinition> | undefined;
  return { engine, warn, maxRows, customAudits: () => (custom ??= loadAudits(projectDir)) };
}

/**
 * The audit step run after each batch of a backfill (plans and `planner run` alike):
 * audits the snapshot over the batch's time range.
 */
export function batchAuditor(stage: AuditStageDeps, now: () => Date) {
  return (snapshot: Snapshot, batch: { start: number; end: number }) =>
    auditBuiltSnapshot(snapshot, stage, { start: new Date(batch.start), end: new Date(batch.end), execution: now() });
}
