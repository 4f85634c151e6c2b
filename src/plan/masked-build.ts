import type { MaskRule } from '../config/types.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { PhysicalOps } from '../engine/physical-ops.js';
import { InputError } from '../errors.js';
import { maskedViewQuery, maskingSelect, masksOver, type EnvironmentMasks } from '../governance/masking.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Project } from '../model/load-project.js';
import type { Model } from '../model/model.js';
import { readsItself } from '../model/self-reference.js';
import { versionOf } from '../snapshot/make-snapshot.js';
import { physicalTableName } from '../snapshot/physical-names.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { shortHash } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';
import { quoteIdent, type TableName } from '../util/identifiers.js';

/**
 * A table a sanitized environment builds reads its parents through their masks, so it
 * holds masked values only (issue #18). Such a table belongs to that masking: like a
 * forward-only preview (preview.ts) it is a snapshot of its own, same definition under
 * its own id, version and table (`<version>__m<tag>`, the tag a hash of the environment's
 * masks), so prod and every environment masked otherwise compute their own version and
 * never point at it. Unchanged models are not built, so they keep prod's tables.
 */
const MARK = '__m';

/** What a sanitized environment's plan needs to build masked: its masks and their tag. */
export interface Sanitized {
  /** Short hash of `masks`: environments masked alike share masked builds. */
  tag: string;
  /** The config's masks with those column lineage adds (governance/masking.ts withLineage). */
  masks: EnvironmentMasks;
  /** The config's masks alone: what a model's own build masks (ownMasks). */
  configured: EnvironmentMasks;
  /** Per model, the columns that pass a parent's masked value on as it is (withLineage). */
  passedOn: Record<string, string[]>;
}

/**
 * What a masked build does, in its tag: builds of format 1 did not apply the model's own
 * masks (ownMasks), so their tables may hold real values of them; format 2 read a hashed
 * numeric column as md5 text (governance/numeric-hash.ts). A new format gives new ids, and
 * an environment points only at masked builds of its own tag (heldMaskedAlike), so such a
 * table is built again rather than reused.
 */
const BUILD_FORMAT = 3;

export function sanitizedBuilds(all: { masks: EnvironmentMasks; passedOn: Record<string, string[]> }, configured: EnvironmentMasks): Sanitized | undefined {
  if (!Object.keys(all.masks).length) return undefined;
  return { tag: shortHash(`${BUILD_FORMAT}:${stableStringify(all.masks)}`, 8), masks: all.masks, configured, passedOn: all.passedOn };
}

/**
 * The masks a build of `model` in the environment applies to its own output: the config's
 * masks of its columns, less those a parent already passes on masked (a hash is not hashed
 * twice). Masks lineage adds are left to the view: they only mask values computed from
 * parents the build reads masked already, so none of them is a real value, and masking
 * them in the table would NULL the columns an incremental kind lands batches by.
 * Refused (exit 2) where masking the output would break the build: a column the kind's
 * arguments name (a time column, a key: masked values would land batches wrongly), or a
 * model that reads its own rows (it would mask its masked rows again).
 */
export function ownMasks(model: Model, sanitized: Sanitized): Record<string, MaskRule> | undefined {
  const carried = new Set(sanitized.passedOn[model.name] ?? []);
  const own = Object.fromEntries(Object.entries(sanitized.configured[model.name] ?? {}).filter(([c]) => !carried.has(c)));
  const strategy = kindStrategy(model.kind);
  if (!Object.keys(own).length || !strategy.physical) return undefined;
  const refuse = (why: string, hint: string) => {
    throw new InputError(`model ${model.name} cannot be built in a sanitized environment: ${why}`, { code: 'invalid_masking', location: { file: model.file }, hint });
  };
  const keyed = strategy.headerColumns(model.kind).find((c) => own[c.name.toLowerCase()] !== undefined);
  if (keyed) refuse(`its build masks column '${keyed.name}', which its kind's ${keyed.property} names`, `mask a copy of the column instead, or leave ${model.name} unchanged in this environment`);
  if (readsItself(model)) refuse(`it reads its own rows, which its build would mask again (${Object.keys(own).join(', ')})`, `leave ${model.name} unchanged in this environment`);
  return own;
}

/** Whether `id` is a masked build of the snapshot with id `plain` (under any masks). */
export function isMaskedBuildOf(id: string, plain: string): boolean {
  return id.startsWith(`${plain}${MARK}`);
}

export function maskedId(id: string, tag: string): string {
  return `${id}${MARK}${tag}`;
}

export function isMaskedBuild(snapshot: Snapshot | undefined): boolean {
  return Boolean(snapshot?.readMasks);
}

/**
 * The masks a model built in the environment reads each parent through: the masks of the
 * parent's view in the environment (masksOver), so a build reads exactly what the environment shows.
 * Parents without a table (EMBEDDED) are inlined, so their own parents are read masked.
 */
export function parentMasks(model: string, project: Project, sanitized: Sanitized, targetOf: (name: string) => Snapshot | undefined): Record<string, Record<string, MaskRule>> {
  const out: Record<string, Record<string, MaskRule>> = {};
  const visit = (name: string) => {
    for (const p of project.models.get(name)?.parents ?? []) {
      const parent = project.models.get(p);
      if (parent && kindStrategy(parent.kind).reference === 'inline') visit(p);
      const target = targetOf(p);
      const masks = sanitized.masks[p] && target ? masksOver(target, sanitized.masks[p]) : sanitized.masks[p];
      if (masks && Object.keys(masks).length) out[p] = masks;
    }
  };
  visit(model);
  return out;
}

/**
 * `snapshot` as built in a sanitized environment: reading `readMasks`, writing its own
 * masked columns masked (`writeMasks`), under its own id, version and table.
 */
export function asMaskedBuild(snapshot: Snapshot, tag: string, readMasks: Record<string, Record<string, MaskRule>>, passedOn: readonly string[] = [], writeMasks?: Record<string, MaskRule>): Snapshot {
  const version = `${versionOf(snapshot.fingerprint)}${MARK}${tag}`;
  const premasked = [...new Set([...passedOn, ...Object.keys(writeMasks ?? {})])].sort();
  return {
    ...snapshot,
    id: maskedId(snapshot.id, tag),
    version,
    physical: physicalTableName(snapshot.model.schema, snapshot.model.table, version),
    readMasks,
    ...(writeMasks ? { writeMasks } : {}),
    ...(premasked.length ? { premasked } : {}),
  };
}

/**
 * What a build writes: `query` (rendered, parents read masked) inside the masking SELECT
 * of the snapshot's own masks (the environment's views' SQL, governance/masking.ts), or
 * `query` itself. The output's columns are described by the engine (an empty table of the
 * query, as a forward-only change compares columns): the query's shape knows no types
 * (a `null` mask casts to the column's type) nor the names of a `SELECT *`, and the
 * table's columns are not the query's (SCD Type 2 adds its own; it may not exist yet).
 */
export async function writtenQuery(snapshot: Snapshot, query: string, engine: EngineAdapter): Promise<string> {
  if (!snapshot.writeMasks) return query;
  const columns = await engine.ops.queryColumns(snapshot.physical, query);
  return maskingSelect({ model: snapshot.name, columns, from: `(${query}) AS ${quoteIdent('planner_unmasked')}`, what: 'its query does not output' }, snapshot.writeMasks);
}

/**
 * Creates a snapshot without a query (SEED) with its own masks applied: `create` loads its
 * object into a work table, the snapshot's table is the masking SELECT of it, the work
 * table goes. Without own masks, `create` makes the table itself.
 */
export async function createLoaded(snapshot: Snapshot, engine: EngineAdapter, ops: PhysicalOps, create: (table: TableName, ops: PhysicalOps) => Promise<void>): Promise<void> {
  if (!snapshot.writeMasks) return create(snapshot.physical, ops);
  // Named like the engine's own work tables (engine/physical-ops.ts), next to the table.
  const work = { schema: snapshot.physical.schema, table: `planner_unmasked_${shortHash(`${snapshot.physical.schema}.${snapshot.physical.table}`, 12)}` };
  await engine.dropTable(work);
  await create(work, engine.ops);
  await ops.createTableAs(snapshot.physical, await maskedViewQuery(engine, snapshot.name, work, snapshot.writeMasks));
  await engine.dropTable(work);
}

/**
 * The masked relations a masked build reads, by parent name: the same SELECT the
 * environment's masking view runs, over the parent's physical table. Empty for others.
 */
export async function maskedReads(snapshot: Snapshot, parentOf: (name: string) => Snapshot | undefined, engine: EngineAdapter): Promise<Map<string, string>> {
  const reads = new Map<string, string>();
  for (const [name, masks] of Object.entries(snapshot.readMasks ?? {})) {
    const parent = parentOf(name);
    const reference = parent && kindStrategy(parent.model.kind).reference;
    if (!parent || reference === 'inline') continue;
    // An EXTERNAL model is read by its own name.
    const table = reference === 'physical' ? parent.physical : { schema: parent.model.schema, table: parent.model.table };
    reads.set(name, await maskedViewQuery(engine, name, table, masks, Object.keys(masks)));
  }
  return reads;
}

/**
 * Whether an environment planned with `sanitized` (undefined: not sanitized) may point at
 * `snapshot`: a masked build holds values read through its masks, so only an environment
 * masked alike (the same tag) may; any other snapshot, anywhere.
 */
export function heldMaskedAlike(snapshot: Snapshot, sanitized: Sanitized | undefined): boolean {
  return !isMaskedBuild(snapshot) || (sanitized !== undefined && snapshot.id.endsWith(`${MARK}${sanitized.tag}`));
}
