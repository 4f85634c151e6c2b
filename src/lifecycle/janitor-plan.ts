import { physicalTableName } from '../snapshot/physical-names.js';
import { builtKey, type EnvironmentRecord, type PhysicalTableRecord, type SnapshotRef } from '../state/state-store.js';
import type { TableName } from '../util/identifiers.js';
import { tableKey } from './catalog-references.js';

/** How long an unreferenced snapshot and its table are kept, counted from the snapshot's creation. */
export const DEFAULT_SNAPSHOT_TTL_MS = 7 * 24 * 3600 * 1000;

/** A physical table no environment references. */
export interface GarbageTable {
  name: string;
  version: string;
  table: TableName;
  /** State has a `physical_tables` row for it (else it may be the leftover of a killed apply). */
  recorded: boolean;
  /** When its TTL passes: the newest of its snapshots' creation and its build, plus the TTL. */
  expiresAt: number;
}

export interface GarbageInput {
  /** Every environment still in state (expired ones whose cleanup failed count as references). */
  environments: readonly EnvironmentRecord[];
  snapshots: readonly SnapshotRef[];
  built: readonly PhysicalTableRecord[];
  now: number;
  /** Null: ignore TTLs, everything unreferenced goes. */
  snapshotTtlMs: number | null;
}

export interface GarbageSelection {
  /** Unreferenced tables whose TTL has passed: drop them (after the catalog check), then their rows. */
  drop: GarbageTable[];
  /** Unreferenced tables still within their TTL. */
  waiting: GarbageTable[];
  /** Unreferenced snapshot rows past their TTL, with their `name@version`: delete once that table is gone or in use by another snapshot. */
  snapshots: { id: string; key: string }[];
}

/**
 * Decides what the janitor may remove from state alone: tables whose `name@version` no
 * environment's snapshot names and whose TTL has passed. A model an environment points at
 * through a snapshot state lacks keeps all its tables. Pure; the catalog check comes after.
 */
export function selectGarbage(input: GarbageInput): GarbageSelection {
  const { now, snapshotTtlMs } = input;
  const byId = new Map(input.snapshots.map((s) => [s.id, s]));
  const referencedIds = new Set<string>();
  const referencedKeys = new Set<string>();
  const unknownModels = new Set<string>();
  for (const env of input.environments) {
    for (const [name, id] of Object.entries(env.snapshots)) {
      referencedIds.add(id);
      const ref = byId.get(id);
      if (ref) referencedKeys.add(builtKey(ref.name, ref.version));
      else unknownModels.add(name);
    }
  }
  const inUse = (name: string, version: string) => referencedKeys.has(builtKey(name, version)) || unknownModels.has(name);

  const newest = new Map<string, number>();
  for (const s of input.snapshots) {
    const key = builtKey(s.name, s.version);
    newest.set(key, Math.max(newest.get(key) ?? 0, s.createdAt));
  }
  const candidates = new Map<string, GarbageTable>();
  const protectedTables = new Set<string>();
  const consider = (name: string, version: string, table: TableName, recorded: boolean, builtAt = 0) => {
    const key = builtKey(name, version);
    if (inUse(name, version)) {
      protectedTables.add(tableKey(table));
      return;
    }
    if (candidates.has(key)) return;
    const expiresAt = Math.max(newest.get(key) ?? 0, builtAt) + (snapshotTtlMs ?? 0);
    candidates.set(key, { name, version, table, recorded, expiresAt });
  };
  for (const b of input.built) consider(b.name, b.version, { schema: b.schema, table: b.table }, true, b.builtAt);
  for (const s of input.snapshots) consider(s.name, s.version, derivedTable(s.name, s.version), false);
  for (const s of referencedKeys) {
    const at = s.lastIndexOf('@');
    protectedTables.add(tableKey(derivedTable(s.slice(0, at), s.slice(at + 1))));
  }

  const drop: GarbageTable[] = [];
  const waiting: GarbageTable[] = [];
  for (const c of candidates.values()) {
    // Two names for one object (a shortened name colliding) must never cost a table in use.
    if (protectedTables.has(tableKey(c.table))) continue;
    (snapshotTtlMs === null || c.expiresAt <= now ? drop : waiting).push(c);
  }
  const snapshots = input.snapshots
    .filter((s) => !referencedIds.has(s.id) && (snapshotTtlMs === null || s.createdAt + snapshotTtlMs <= now))
    .map((s) => ({ id: s.id, key: builtKey(s.name, s.version) }));
  return { drop, waiting, snapshots };
}

/** Where a snapshot's table lives when state has no `physical_tables` row for it. */
function derivedTable(name: string, version: string): TableName {
  const dot = name.indexOf('.');
  return physicalTableName(name.slice(0, dot), name.slice(dot + 1), version);
}
