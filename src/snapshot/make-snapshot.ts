import { dirname, join, normalize } from 'node:path';
import { kindStrategy } from '../kinds/registry.js';
import { FINGERPRINT_FORMAT } from '../model/canonical-query.js';
import type { Model } from '../model/model.js';
import { physicalTableName, VERSION_LENGTH } from './physical-names.js';
import type { ChangeCategory, Fingerprint, Snapshot, SnapshotModel } from './snapshot.js';
import { snapshotId } from './fingerprint.js';
import type { SnapshotHead } from '../state/state-store.js';

/** The part of a model a snapshot keeps. */
export function snapshotModel(model: Model): SnapshotModel {
  return {
    name: model.name,
    schema: model.schema,
    table: model.table,
    file: model.file,
    kind: model.kind,
    dialect: model.dialect,
    cron: model.cron,
    start: model.start,
    grain: model.grain,
    owner: model.owner,
    description: model.description,
    tags: model.tags,
    columns: model.columns,
    audits: model.audits,
    forwardOnly: model.forwardOnly,
    query: model.query,
    source: model.source,
    references: model.references,
    macros: model.macros,
    shape: model.shape,
    variables: model.variables,
    seedPath: dataFilePath(model),
    seedHash: model.seedHash,
    statements: model.statements,
    externals: model.externals,
    properties: model.properties,
    ...(model.sample ? { sample: model.sample } : {}),
    ...(model.inlineAudits ? { inlineAudits: model.inlineAudits } : {}),
  };
}

/** The file a kind loads (a SEED's CSV), relative to the project with `/`; undefined for kinds that load none. */
function dataFilePath(model: Model): string | undefined {
  const file = kindStrategy(model.kind).dataFile;
  return file && normalize(join(dirname(model.file), file.path(model.kind))).split('\\').join('/');
}

/** A version for new data: the leading digits of the data hash. */
export function versionOf(fp: Fingerprint): string {
  return fp.data.slice(0, VERSION_LENGTH);
}

export function makeSnapshot(
  model: Model,
  fingerprint: Fingerprint,
  version: string,
  parents: Record<string, string>,
  category: ChangeCategory | undefined,
  now: number,
): Snapshot {
  return {
    id: snapshotId(model.name, fingerprint),
    name: model.name,
    fingerprint,
    version,
    physical: physicalTableName(model.schema, model.table, version),
    parents,
    model: snapshotModel(model),
    fingerprintFormat: FINGERPRINT_FORMAT,
    category,
    createdAt: now,
  };
}

/**
 * A stored snapshot made whole with the local model: `local` is the model's fingerprint
 * and the id it gives, which must be `head`'s (same data and metadata fingerprints), so
 * its definition is the stored one as far as any result depends on it; only the file's
 * text around it (comments, layout) may be newer. Lets a plan hold every unchanged model
 * without reading their stored definitions.
 */
export function snapshotOfHead(head: SnapshotHead, model: Model, local: { fingerprint: Fingerprint; id: string }): Snapshot {
  if (head.id !== local.id) throw new Error(`snapshot ${head.id} is not the local definition of ${model.name}`);
  // The local fingerprint is the stored one (the id says so): the plan keeps one copy of it.
  return { ...head, fingerprint: local.fingerprint, model: snapshotModel(model) };
}
