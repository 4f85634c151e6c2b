import { versionOf } from '../snapshot/make-snapshot.js';
import { physicalTableName } from '../snapshot/physical-names.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/**
 * Forward-only changes keep prod's table, so a dev environment cannot build them there.
 * It previews them instead in a table of their own: a snapshot with the same definition
 * under its own id and version (`<version>__dev`), so every other command (fetchdf,
 * table-diff, janitor) sees an ordinary snapshot, and prod never reuses a table computed
 * over a dev range or from a dev parent.
 */
const SUFFIX = '__dev';

/** The id of the dev preview of the snapshot with id `id`. */
export function previewId(id: string): string {
  return `${id}${SUFFIX}`;
}

export function isPreview(snapshot: Snapshot | undefined): boolean {
  return Boolean(snapshot?.id.endsWith(SUFFIX));
}

/** `snapshot` as its dev preview: same definition, its own id, version and table. */
export function asPreview(snapshot: Snapshot): Snapshot {
  const version = `${versionOf(snapshot.fingerprint)}${SUFFIX}`;
  return {
    ...snapshot,
    id: previewId(snapshot.id),
    version,
    physical: physicalTableName(snapshot.model.schema, snapshot.model.table, version),
  };
}
