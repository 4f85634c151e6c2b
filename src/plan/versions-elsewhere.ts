import { PROD } from '../snapshot/virtual-names.js';
import { builtKey, isExpired, type StateReader } from '../state/state-store.js';

/** Another live environment holding a table: under which snapshot, and whether it is protected. */
export interface TableHolder {
  environment: string;
  snapshotId: string;
  protected: boolean;
}

/** `name@version` of the tables other live environments use -> who holds each. */
export type HeldElsewhere = ReadonlyMap<string, readonly TableHolder[]>;

/**
 * The tables (`name@version`) that live environments other than `environment` point at.
 * Empty for prod, which owns every table it uses.
 */
export async function versionsHeldElsewhere(
  state: StateReader,
  environment: string,
  now: number,
  isProtected: (environment: string) => boolean,
): Promise<Map<string, TableHolder[]>> {
  const out = new Map<string, TableHolder[]>();
  if (environment === PROD) return out;
  const others = (await state.listEnvironments()).filter((e) => e.name !== environment && !isExpired(e, now));
  if (!others.length) return out;
  const refs = new Map<string, { name: string; version: string }>();
  for (const r of await state.listSnapshotRefs()) refs.set(r.id, r);
  for (const env of others) {
    const prot = env.name === PROD || isProtected(env.name);
    for (const model in env.snapshots) {
      const id = env.snapshots[model];
      const ref = refs.get(id);
      if (!ref) continue;
      const key = builtKey(ref.name, ref.version);
      const holder = { environment: env.name, snapshotId: id, protected: prot };
      const holders = out.get(key);
      if (holders) holders.push(holder);
      else out.set(key, [holder]);
    }
  }
  return out;
}

/**
 * The environments that forbid computing into this snapshot's table from elsewhere: prod
 * and protected ones always (their tables are theirs), others when they hold the table
 * under a different snapshot (same version, other parents: their data would differ).
 * Environments holding the very same snapshot compute the same rows, so they share the
 * work, taking turns on the table.
 */
export function blockingHolders(held: HeldElsewhere, snapshot: { id: string; name: string; version: string }): string[] {
  return (held.get(builtKey(snapshot.name, snapshot.version)) ?? [])
    .filter((h) => h.protected || h.snapshotId !== snapshot.id)
    .map((h) => h.environment);
}
