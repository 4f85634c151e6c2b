import { VIRTUAL_LAYOUTS, type VirtualLayout } from '../util/virtual-layouts.js';
import type { ColumnType, Selectable } from 'kysely';
import { PlannerError } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ApprovalEvidence, EnvironmentRecord, PhysicalTableRecord, SnapshotHead } from './state-store.js';

/** A BIGINT column: written as a number; read back as a number, a string (pg) or a bigint. */
type Bigint = ColumnType<number | string | bigint, number, number>;

/** The state tables as kysely sees them (the latest migration's schema). */
export interface StateDatabase {
  schema_version: { version: number; name: string; applied_at: Bigint };
  /** `head`: the snapshot's head as JSON (migration 7), null only in a row no migration filled. */
  snapshots: { id: string; name: string; version: string; payload: string; created_at: Bigint; head: string | null };
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

function parseJson(text: unknown, what: string, field = 'payload'): unknown {
  if (typeof text !== 'string') throw corruptState(what, `its ${field} is not text`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw corruptState(what, `its ${field} is not JSON (${(err as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A loop, not `Object.values(v).every`: an environment's snapshot map has an entry per model, read on every plan. */
function isStringRecord(v: unknown): v is Record<string, string> {
  if (!isObject(v)) return false;
  for (const key in v) if (typeof v[key] !== 'string') return false;
  return true;
}

/**
 * A snapshot row's payload, checked for the fields every command relies on, so a damaged
 * payload is one clear error naming the snapshot instead of a crash deeper in.
 */
export function decodeSnapshot(row: Pick<Row<'snapshots'>, 'id' | 'payload'>): Snapshot {
  const what = `snapshot ${row.id}`;
  const s = checkedHead(parseJson(row.payload, what), row.id, 'payload', what);
  if (!isObject(s.model) || typeof s.model.name !== 'string') throw corruptState(what, 'its payload has no model definition');
  return s as unknown as Snapshot;
}

/**
 * A snapshot row's head (migration 7), checked as a payload is: a row without one (state
 * written around the migration, or damaged by hand) is corrupt state, never read from
 * its payload instead, which is what heads spare every plan and run.
 */
export function decodeSnapshotHead(row: Pick<Row<'snapshots'>, 'id' | 'head'>): SnapshotHead {
  const what = `snapshot ${row.id}`;
  if (row.head === null || row.head === undefined) throw corruptState(what, 'it has no head (state version 7 keeps one with every snapshot)');
  return checkedHead(parseJson(row.head, what, 'head'), row.id, 'head', what) as unknown as SnapshotHead;
}

/** The head of a snapshot, as state keeps it beside the payload: what plans compare and `planner run` schedules from. */
export function snapshotHead(s: Snapshot): SnapshotHead {
  const { model, ...rest } = s;
  return { ...rest, model: { kind: model.kind, cron: model.cron, start: model.start, tags: model.tags, file: model.file } };
}

/** The fields a head and a payload both have, checked alike (a head reads as its payload did); `field` names the column in messages. */
function checkedHead(s: unknown, id: string, field: 'payload' | 'head', what: string): Record<string, unknown> & { model: unknown } {
  if (!isObject(s)) throw corruptState(what, `its ${field} is not an object`);
  for (const key of ['id', 'name', 'version'] as const) {
    if (typeof s[key] !== 'string') throw corruptState(what, `its ${field} has no ${key}`);
  }
  if (s.id !== id) throw corruptState(what, `its ${field} is snapshot ${String(s.id)}`);
  if (!isObject(s.model) || !isObject(s.model.kind)) throw corruptState(what, field === 'payload' ? 'its payload has no model definition' : 'its head has no schedule');
  if (!isObject(s.physical) || typeof s.physical.schema !== 'string' || typeof s.physical.table !== 'string') throw corruptState(what, `its ${field} names no physical table`);
  if (!isObject(s.fingerprint)) throw corruptState(what, `its ${field} has no fingerprint`);
  return s as Record<string, unknown> & { model: unknown };
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
