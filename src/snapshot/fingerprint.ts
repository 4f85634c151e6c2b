import { DATA_PROPERTIES, KIND_METADATA_FIELDS, UNHASHED_PROPERTIES, type Model } from '../model/model.js';
import { kindStrategy } from '../kinds/registry.js';
import { hashOf } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';
import type { Fingerprint } from './snapshot.js';

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
  const memo = known.get(model);
  if (memo && sameInputs(memo.inputs, model)) {
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

/**
 * Fingerprints already known for model objects: those the project cache restored with the
 * models (model/project-cache.ts; its key holds every input of the load and the code of
 * this file), and those computed to fill it. Each holds the fields it was computed from,
 * and is used only while the model still has those very values (a model is not changed
 * after its load; a copy such as a sampled `{ ...model, sample }` is another object) and
 * its parents the same data hashes.
 */
const known = new WeakMap<Model, { inputs: unknown[]; ownData: string; metadata: string; data: string; parentData: ParentData; name: string; id?: string }>();

/** Each parent's data hash by name, as the fingerprint was computed from them (one lookup for the whole project, not an array per model). */
type ParentData = (name: string) => string | undefined;

/** Records `fingerprint` as `model`'s, its parents having had `parentData`, and its snapshot id when known. */
export function rememberFingerprint(model: Model, { ownData, data, metadata }: Fingerprint, parentData: ParentData, id?: string): void {
  known.set(model, { inputs: inputsOf(model), ownData, metadata, data, parentData, name: model.name, id });
}

/** snapshotId(model.name, fp), remembered with the model's fingerprint when fp is that one. */
export function modelSnapshotId(model: Model, fp: Fingerprint): string {
  const memo = known.get(model);
  if (!memo || memo.name !== model.name || memo.data !== fp.data || memo.metadata !== fp.metadata) return snapshotId(model.name, fp);
  return (memo.id ??= snapshotId(model.name, fp));
}

/** Every field of a model that fingerprintModel reads (parents' data hashes aside). */
function inputsOf(m: Model): unknown[] {
  return [
    m.kind, m.dialect, m.shape, m.variables, m.macros, m.seedHash, m.columns, m.start, m.externals, m.sample, m.properties, m.statements,
    m.parents, m.owner, m.description, m.cron, m.tags, m.grain, m.audits, m.forwardOnly, m.inlineAudits,
  ];
}

/** Whether `model` still holds the very values in `inputs` (inputsOf's order, compared without another array: this runs for every model of every plan). */
function sameInputs(inputs: readonly unknown[], m: Model): boolean {
  return inputs[0] === m.kind && inputs[1] === m.dialect && inputs[2] === m.shape && inputs[3] === m.variables && inputs[4] === m.macros &&
    inputs[5] === m.seedHash && inputs[6] === m.columns && inputs[7] === m.start && inputs[8] === m.externals && inputs[9] === m.sample &&
    inputs[10] === m.properties && inputs[11] === m.statements && inputs[12] === m.parents && inputs[13] === m.owner &&
    inputs[14] === m.description && inputs[15] === m.cron && inputs[16] === m.tags && inputs[17] === m.grain && inputs[18] === m.audits &&
    inputs[19] === m.forwardOnly && inputs[20] === m.inlineAudits;
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
