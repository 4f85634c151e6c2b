import { PROD } from '../snapshot/virtual-names.js';
import { builtKey, isExpired, type StateReader } from '../state/state-store.js';

/**
 * The tables (`name@version`) that live environments other than `environment` point at,
 * each with those environments' names. Outside prod, a plan or run never computes into
 * these: another environment's views read them.
 */
export async function versionsHeldElsewhere(state: StateReader, environment: string, now: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (environment === PROD) return out;
  const others = (await state.listEnvironments()).filter((e) => e.name !== environment && !isExpired(e, now));
  if (!others.length) return out;
  const refs = new Map((await state.listSnapshotRefs()).map((r) => [r.id, r]));
  for (const env of others) {
    for (const id of Object.values(env.snapshots)) {
      const ref = refs.get(id);
      if (!ref) continue;
      const key = builtKey(ref.name, ref.version);
      const holders = out.get(key) ?? [];
      if (!holders.includes(env.name)) out.set(key, [...holders, env.name]);
    }
  }
  return out;
}
