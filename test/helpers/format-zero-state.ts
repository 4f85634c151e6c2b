import { DuckDBInstance } from '@duckdb/node-api';
import type { Context } from '../../src/context.js';
import { placeholderQuery } from '../../src/model/macros.js';
import type { Model, QueryShape } from '../../src/model/model.js';
import { fingerprintModel, snapshotId } from '../../src/snapshot/fingerprint.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { hashOf } from '../../src/util/hash.js';

/**
 * Rewrites a state as planner wrote it before fingerprints had a format (format 0): every
 * query, whatever its dialect, hashed as JSON.stringify of DuckDB's json_serialize_sql
 * node with positions cut out by a regex; snapshots without `fingerprintFormat`. Versions,
 * tables and intervals stay, as they were under that planner.
 */
export async function writeFormatZeroState(ctx: Context): Promise<{ ids: Map<string, string> }> {
  const refs = await ctx.state.listSnapshotRefs();
  const current = await ctx.state.getSnapshots(refs.map((r) => r.id));
  const shapes = await formatZeroShapes([...current.values()]);
  const ids = new Map<string, string>();
  const rewritten = new Map<string, Snapshot>();
  const rewrite = (id: string): Snapshot => {
    const done = rewritten.get(id);
    if (done) return done;
    const s = current.get(id)!;
    const parents = Object.fromEntries(Object.entries(s.parents).map(([name, pid]) => [name, rewrite(pid)]));
    const model = { ...s.model, shape: shapes.get(id) ?? s.model.shape, parents: Object.keys(parents).sort(), externals: s.model.externals ?? [] };
    const fingerprint = fingerprintModel(model as unknown as Model, (name) => parents[name].fingerprint.data);
    const { fingerprintFormat: _dropped, ...rest } = s;
    const old: Snapshot = { ...rest, id: snapshotId(s.name, fingerprint) + s.id.replace(/^[^#]*#[0-9a-f]+/, ''), fingerprint, model: { ...s.model, shape: model.shape }, parents: Object.fromEntries(Object.entries(parents).map(([n, p]) => [n, p.id])) };
    rewritten.set(id, old);
    ids.set(id, old.id);
    return old;
  };
  for (const id of current.keys()) rewrite(id);
  await ctx.state.deleteSnapshots([...current.keys()]);
  await ctx.state.insertSnapshots([...rewritten.values()]);
  for (const env of await ctx.state.listEnvironments()) {
    await ctx.state.setEnvironment({ ...env, snapshots: Object.fromEntries(Object.entries(env.snapshots).map(([n, id]) => [n, ids.get(id)!])) }, env.planId);
  }
  return { ids };
}

/** Format 0's query hashes: DuckDB's raw serialized tree, `query_location` removed. */
async function formatZeroShapes(snapshots: Snapshot[]): Promise<Map<string, QueryShape>> {
  const normalized = (value: unknown) => JSON.stringify(value).replace(/"query_location":[0-9.e+]+,?/g, '');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const out = new Map<string, QueryShape>();
  try {
    for (const s of snapshots) {
      if (!s.model.query || !s.model.shape) continue;
      const template = placeholderQuery(s.model.query, s.model.macros);
      const reader = await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS j', [template]);
      const node = (JSON.parse(String(reader.getRowObjects()[0].j)) as { statements: { node: Record<string, unknown> }[] }).statements[0].node;
      const { select_list: selectList, ...body } = node;
      const shape = s.model.shape;
      out.set(s.id, {
        ...shape,
        astHash: hashOf(normalized(node)),
        bodyHash: shape.bodyHash === null ? null : hashOf(normalized(body)),
        projections: shape.bodyHash === null ? shape.projections : (selectList as unknown[]).map((p, i) => ({ ...shape.projections[i], hash: hashOf(normalized(p)) })),
      });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return out;
}
