import { DATA_PROPERTIES, KIND_METADATA_FIELDS, UNHASHED_PROPERTIES, type Model } from '../model/model.js';
import { kindStrategy } from '../kinds/registry.js';
import { hashOf } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';
import type { Fingerprint } from './snapshot.js';
import { remembered } from '../model/known-fingerprints.js';

/** Properties outside the metadata hash: the data hash's and those hashed nowhere. */
const METADATA_OMITTED: readonly string[] = [...DATA_PROPERTIES, ...UNHASHED_PROPERTIES];

/**
 * Fingerprints one model. `parentData` maps each parent's name to its data hash, so a
 * change anywhere upstream changes the data hash of everything below it. Formatting,
 * comments and keyword case do not matter: the query enters as the hash of planner's
 * canonical form of its parse tree (model/canonical-query.ts; a change to what is hashed
 * here or there needs a new FINGERPRINT_FORMAT, which `planner migrate` handles).
 */
export function fingerprintModel(model: Model, parentData: (name: string) => string): Fingerprint {
  const memo = remembered(model);
  if (memo) {
    const { ownData, metadata } = memo;
    let same = true;
    for (const p of model.parents) if (parentData(p) !== memo.parentData(p)) same = false;
    return { ownData, data: same ? memo.data : dataHash(ownData, model, parentData), metadata };
  }
  const ownData = hashOf(
    stableStringify({
      kind: omit(model.kind, KIND_METADATA_FIELDS),
      dialect: model.dialect,
      ast: model.shape?.astHash ?? null,
      variables: model.variables,
      // Placeholders hide macro text from the AST, so the macros themselves are hashed.
      macros: model.macros.map((m) => [m.name, m.variable ?? null, m.defaultText ?? null]),
      seed: model.seedHash ?? null,
      // Column types shape a SEED's table and a declared schema's casts.
      columns: model.columns ?? null,
      // Where an incremental model starts decides which rows exist, and so does it for a
      // query that reads @start_*; elsewhere it is scheduling.
      start: model.kind.name.startsWith('INCREMENTAL') || model.macros.some((m) => m.name.startsWith('start_')) ? model.start ?? null : null,
      externals: model.externals,
      // Only in sampled environments: everywhere else fingerprints stay as they were.
      ...(model.sample ? { sample: model.sample } : {}),
      // Left out when none is written, so models without them keep their fingerprints.
      properties: nonEmpty(pick(model.properties, DATA_PROPERTIES)),
      // The partition key a kind adds to partitioned_by (a time range's time column, unless
      // partition_by_time_column false) lays the table out too (SQLMesh: data hash).
      ...addedPartitionKey(model),
      // Statements before and after the query change what a build does (SQLMesh: data hash).
      ...(model.statements?.pre.length || model.statements?.post.length ? { pre: model.statements.pre, post: model.statements.post } : {}),
    }),
  );
  return {
    ownData,
    data: dataHash(ownData, model, parentData),
    metadata: hashOf(
      stableStringify({
        owner: model.owner ?? null,
        description: model.description ?? null,
        cron: model.cron,
        start: model.start ?? null,
        tags: model.tags,
        grain: model.grain,
        audits: model.audits,
        forwardOnly: model.forwardOnly,
        kind: nonEmpty(pick(model.kind, KIND_METADATA_FIELDS)),
        properties: nonEmpty(omit(model.properties ?? {}, METADATA_OMITTED)),
        // They change no data, only what runs when views are swapped (SQLMesh: metadata).
        ...(model.statements?.onVirtualUpdate?.length ? { onVirtualUpdate: model.statements.onVirtualUpdate } : {}),
        // Audits check the table and change nothing in it (SQLMesh: metadata); the file path is not part of them.
        ...(model.inlineAudits?.length ? { inlineAudits: model.inlineAudits.map(({ file: _file, ...audit }) => audit) } : {}),
      }),
    ),
  };
}

/** The data hash: the model's own, then each parent's, so a change upstream changes it. */
function dataHash(ownData: string, model: Model, parentData: (name: string) => string): string {
  return hashOf(ownData, model.parents.map((p) => `${p}=${parentData(p)}`).join(','));
}

/** snapshotId(model.name, fp), remembered with the model's fingerprint when fp is that one. */
export function modelSnapshotId(model: Model, fp: Fingerprint): string {
  const memo = remembered(model);
  if (!memo || memo.data !== fp.data || memo.metadata !== fp.metadata) return snapshotId(model.name, fp);
  return (memo.id ??= snapshotId(model.name, fp));
}

/** `{ partitionKey }` when the kind makes the table's partition key differ from partitioned_by as written; nothing otherwise. */
function addedPartitionKey(model: Model): { partitionKey?: string[] } {
  const written = model.properties?.partitionedBy?.map((p) => p.trim().toLowerCase());
  const key = written?.length ? kindStrategy(model.kind).partitionKey?.(model.kind, written) : undefined;
  return key && key.join(',') !== written!.join(',') ? { partitionKey: key } : {};
}

/** The snapshot id: equal fingerprints give equal ids. */
export function snapshotId(name: string, fp: Fingerprint): string {
  return `${name}#${hashOf(fp.data, fp.metadata).slice(0, 16)}`;
}

// Loops rather than Object.entries/fromEntries: they run several times per model, and
// stableStringify sorts the keys, so what they hold is all that counts.
function pick<T extends object>(value: T | undefined, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!value) return out;
  for (const k of keys) {
    const v = Object.hasOwn(value, k) ? (value as Record<string, unknown>)[k] : undefined;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function omit<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) if (!keys.includes(k)) out[k] = (value as Record<string, unknown>)[k];
  return out;
}

function nonEmpty(value: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(value).length ? value : undefined;
}
