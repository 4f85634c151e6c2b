import type { MaskRule } from '../config/types.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { maskedViewQuery, masksOver, type EnvironmentMasks } from '../governance/masking.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Project } from '../model/load-project.js';
import { versionOf } from '../snapshot/make-snapshot.js';
import { physicalTableName } from '../snapshot/physical-names.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { shortHash } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';

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
  /** Per model, the columns that pass a parent's masked value on as it is (withLineage). */
  passedOn: Record<string, string[]>;
}

export function sanitizedBuilds(all: { masks: EnvironmentMasks; passedOn: Record<string, string[]> }): Sanitized | undefined {
  if (!Object.keys(all.masks).length) return undefined;
  return { tag: shortHash(stableStringify(all.masks), 8), masks: all.masks, passedOn: all.passedOn };
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

/** `snapshot` as built in a sanitized environment: reading `readMasks`, under its own id, version and table. */
export function asMaskedBuild(snapshot: Snapshot, tag: string, readMasks: Record<string, Record<string, MaskRule>>, premasked: readonly string[] = []): Snapshot {
  const version = `${versionOf(snapshot.fingerprint)}${MARK}${tag}`;
  return {
    ...snapshot,
    id: maskedId(snapshot.id, tag),
    version,
    physical: physicalTableName(snapshot.model.schema, snapshot.model.table, version),
    readMasks,
    ...(premasked.length ? { premasked: [...premasked] } : {}),
  };
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
