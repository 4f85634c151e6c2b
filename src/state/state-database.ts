import { VIRTUAL_LAYOUTS, type VirtualLayout } from '../util/virtual-layouts.js';
import type { ColumnType, Selectable } from 'kysely';
import { PlannerError } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ApprovalEvidence, EnvironmentRecord, PhysicalTableRecord } from './state-store.js';

/** A BIGINT column: written as a number; read back as a number, a string (pg) or a bigint. */
type Bigint = ColumnType<number | string | bigint, number, number>;

/** The state tables as kysely sees them (the latest migration's schema). */
export interface StateDatabase {
  schema_version: { version: number; name: string; applied_at: Bigint };
  snapshots: { id: string; name: string; version: string; payload: string; created_at: Bigint };
  environments: {
    name: string;
    payload: string;
    plan_id: string;
    previous_plan_id: string | null;
    created_at: Bigint;
    updated_at: Bigint;
    expires_at: Bigint | null;
  };
  physical_tables: { name: string; version: string; schema_name: string; table_name: string; built_at: Bigint };
  plans: { id: string; environment: string; applied_at: Bigint; summary: string };
  intervals: { name: string; version: string; start_ms: Bigint; end_ms: Bigint };
  projects: { name: string; registered_at: Bigint };
  auto_restatements: { name: string; version: string; next_ms: Bigint };
  approvals: { plan_hash: string; approved_by: string; plan_id: string; environment: string; author: string; approved_at: Bigint; comment: string | null };
  approval_evidence: { plan_hash: string; plan_id: string; summary: string; recorded_at: Bigint };
}

/** A row of a state table as read back. */
export type Row<T extends keyof StateDatabase> = Selectable<StateDatabase[T]>;

/** State that does not decode: a row written by something else, or damaged by hand. */
export function corruptState(what: string, problem: string): PlannerError {
  return new PlannerError('corrupt_state', `state ${what} cannot be read: ${problem}`, {
    hint: 'run `planner verify`; a row damaged by hand can be restored from a backup of the state schema',
  });
}

/** A BIGINT column as a number; anything else is corrupt state naming `what`. */
export function toNumber(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw corruptState(what, `expected a number, found ${typeof value}`);
  return n;
}

function parseJson(text: unknown, what: string): unknown {
  if (typeof text !== 'string') throw corruptState(what, 'its payload is not text');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw corruptState(what, `its payload is not JSON (${(err as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringRecord = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * A snapshot row's payload, checked for the fields every command relies on, so a damaged
 * payload is one clear error naming the snapshot instead of a crash deeper in.
 */
export function decodeSnapshot(row: Pick<Row<'snapshots'>, 'id' | 'payload'>): Snapshot {
  const what = `snapshot ${row.id}`;
  const s = parseJson(row.payload, what);
  if (!isObject(s)) throw corruptState(what, 'its payload is not an object');
  for (const key of ['id', 'name', 'version'] as const) {
    if (typeof s[key] !== 'string') throw corruptState(what, `its payload has no ${key}`);
  }
  if (s.id !== row.id) throw corruptState(what, `its payload is snapshot ${String(s.id)}`);
  if (!isObject(s.model) || typeof s.model.name !== 'string' || !isObject(s.model.kind)) throw corruptState(what, 'its payload has no model definition');
  if (!isObject(s.physical) || typeof s.physical.schema !== 'string' || typeof s.physical.table !== 'string') throw corruptState(what, 'its payload names no physical table');
  if (!isObject(s.fingerprint)) throw corruptState(what, 'its payload has no fingerprint');
  return s as unknown as Snapshot;
}

export function decodeEnvironment(row: Row<'environments'>): EnvironmentRecord {
  const what = `environment ${row.name}`;
  const p = parseJson(row.payload, what);
  if (!isObject(p) || !isStringRecord(p.snapshots)) throw corruptState(what, 'its payload has no snapshot map');
  if (!Array.isArray(p.views) || !p.views.every((v) => typeof v === 'string')) throw corruptState(what, 'its payload has no view list');
  if (p.createdFrom !== undefined && p.createdFrom !== null && typeof p.createdFrom !== 'string') throw corruptState(what, 'its createdFrom is not a name');
  if (p.layout !== undefined && !(VIRTUAL_LAYOUTS as readonly unknown[]).includes(p.layout)) throw corruptState(what, 'its layout is not a virtual layout');
  return {
    name: row.name,
    snapshots: p.snapshots,
    views: p.views as string[],
    createdFrom: (p.createdFrom as string | null | undefined) ?? null,
    ...(p.layout ? { layout: p.layout as VirtualLayout } : {}),
    ...(isObject(p.masks) ? { masks: p.masks as EnvironmentRecord['masks'] } : {}),
    planId: row.plan_id,
    previousPlanId: row.previous_plan_id ?? null,
    createdAt: toNumber(row.created_at, what),
    updatedAt: toNumber(row.updated_at, what),
    expiresAt: row.expires_at == null ? null : toNumber(row.expires_at, what),
  };
}

/** An approval's evidence summary, checked for the fields the reports read. */
export function decodeApprovalEvidence(row: Row<'approval_evidence'>): ApprovalEvidence {
  const what = `evidence of plan ${row.plan_id}`;
  const e = parseJson(row.summary, what);
  if (!isObject(e) || !isObject(e.changes) || !Array.isArray(e.flags) || !Array.isArray(e.audits) || !Array.isArray(e.notAsPlanned)) throw corruptState(what, 'its summary has no changes, flags or audits');
  if (e.from !== null && typeof e.from !== 'string') throw corruptState(what, 'its from is not a name');
  return { ...(e as unknown as ApprovalEvidence), planHash: row.plan_hash, planId: row.plan_id };
}

export function decodePhysical(row: Row<'physical_tables'>): PhysicalTableRecord {
  const what = `physical table ${row.name}@${row.version}`;
  return { name: row.name, version: row.version, schema: row.schema_name, table: row.table_name, builtAt: toNumber(row.built_at, what) };
}
