import type { Model } from '../model/model.js';
import { hashOf } from '../util/hash.js';
import { stableStringify } from '../util/stable-json.js';
import type { Fingerprint } from './snapshot.js';

/**
 * Fingerprints one model. `parentData` maps each parent's name to its data hash, so a
 * change anywhere upstream changes the data hash of everything below it. Formatting,
 * comments and keyword case do not matter: the query enters as its normalized AST hash.
 */
export function fingerprintModel(model: Model, parentData: (name: string) => string): Fingerprint {
  const ownData = hashOf(
    stableStringify({
      kind: model.kind,
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
    }),
  );
  const parents = model.parents.map((p) => `${p}=${parentData(p)}`).join(',');
  return {
    ownData,
    data: hashOf(ownData, parents),
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
      }),
    ),
  };
}

/** The snapshot id: equal fingerprints give equal ids. */
export function snapshotId(name: string, fp: Fingerprint): string {
  return `${name}#${hashOf(fp.data, fp.metadata).slice(0, 16)}`;
}
