import { InputError } from '../errors.js';
import { FINGERPRINT_FORMAT } from '../model/canonical-query.js';
import type { Model, QueryShape, TableReference } from '../model/model.js';
import { fingerprintModel, snapshotId } from './fingerprint.js';
import type { Fingerprint, Snapshot } from './snapshot.js';

/** The fingerprint format a stored snapshot was computed with (absent: format 0). */
export function formatOf(snapshot: Pick<Snapshot, 'fingerprintFormat'>): number {
  return snapshot.fingerprintFormat ?? 0;
}

/** What a stored query reads, parsed again by this planner's parser for its dialect. */
export type QueryAnalysis = { references: TableReference[]; shape: QueryShape } | { error: string };

export interface Refingerprinted {
  /** Old id -> the same snapshot with this format's fingerprint and id; version, table and intervals unchanged. */
  replaced: Map<string, Snapshot>;
  /** Snapshots left as they are, and why (their query no longer parses, a parent is gone). */
  skipped: { id: string; reason: string }[];
}

/**
 * Recomputes the fingerprints of the snapshots stored with an older format, from their
 * stored definitions, the way `fingerprintProject` computes them from model files, so a
 * project that did not change plans "No changes" afterwards. Parents come first: a
 * child's data hash includes its parents' new data hashes. Versions, physical tables and
 * categories are kept: nothing needs building again. `analyses` holds each outdated
 * snapshot's query parsed again (keyed by snapshot id).
 */
export function refingerprint(all: ReadonlyMap<string, Snapshot>, analyses: ReadonlyMap<string, QueryAnalysis>): Refingerprinted {
  const replaced = new Map<string, Snapshot>();
  const skipped: { id: string; reason: string }[] = [];
  /** Id -> the snapshot as it stands after migration, or a reason it cannot be recomputed. */
  const done = new Map<string, Snapshot | string>();

  const resolve = (id: string, path: Set<string>): Snapshot | string => {
    const known = done.get(id);
    if (known !== undefined) return known;
    const snapshot = all.get(id);
    let result: Snapshot | string;
    if (!snapshot) result = `snapshot ${id} is not in state`;
    else if (formatOf(snapshot) >= FINGERPRINT_FORMAT) result = snapshot;
    else if (path.has(id)) result = `snapshot ${id} is its own ancestor`;
    else result = recompute(snapshot, analyses.get(id), (pid) => resolve(pid, new Set([...path, id])));
    done.set(id, result);
    if (snapshot && typeof result === 'string') skipped.push({ id, reason: result });
    else if (snapshot && result !== snapshot) replaced.set(id, result as Snapshot);
    return result;
  };
  for (const id of [...all.keys()].sort()) resolve(id, new Set());
  return { replaced, skipped };
}

function recompute(snapshot: Snapshot, analysis: QueryAnalysis | undefined, parent: (id: string) => Snapshot | string): Snapshot | string {
  const parents: Record<string, Snapshot> = {};
  for (const [name, pid] of Object.entries(snapshot.parents)) {
    const p = parent(pid);
    if (typeof p === 'string') return `its parent ${name}: ${p}`;
    parents[name] = p;
  }
  let stored = snapshot.model;
  if (stored.query) {
    if (!analysis) return 'its query was not parsed';
    if ('error' in analysis) return `its query does not parse: ${analysis.error}`;
    // `FROM @this_model` parses as a table; it is a macro, not a reference (as in loadProject).
    const references = analysis.references.filter((r) => !stored.macros.some((m) => r.start >= m.start && r.start < m.end));
    const names = new Set(Object.keys(parents));
    const externals = stored.externals ?? [...new Set(references.filter((r) => !names.has(`${r.schema}.${r.table}`.toLowerCase())).map((r) => (r.schema ? `${r.schema}.${r.table}` : r.table)))].sort();
    stored = { ...stored, references, shape: analysis.shape, externals };
  }
  const model = { ...stored, parents: Object.keys(parents).sort(), externals: stored.externals ?? [] } as unknown as Model;
  const fingerprint: Fingerprint = fingerprintModel(model, (name) => parents[name].fingerprint.data);
  const base = snapshotId(snapshot.name, fingerprint);
  // A dev preview keeps its own id scheme: the base id with the preview's suffix.
  const suffix = snapshot.id.slice(snapshot.id.indexOf('#')).replace(/^#[0-9a-f]+/, '');
  return {
    ...snapshot,
    id: `${base}${suffix}`,
    fingerprint,
    fingerprintFormat: FINGERPRINT_FORMAT,
    parents: Object.fromEntries(Object.entries(parents).map(([name, p]) => [name, p.id])),
    model: stored,
  };
}

/**
 * Refuses to compare a project with snapshots fingerprinted in another format: every model
 * would look edited and be rebuilt. An older format: `planner migrate` recomputes them; a
 * newer one was written by a newer planner, which this one must not undo.
 */
export function assertCurrentFingerprints(snapshots: Iterable<Pick<Snapshot, 'fingerprintFormat'>>): void {
  const list = [...snapshots];
  const newer = list.filter((s) => formatOf(s) > FINGERPRINT_FORMAT);
  if (newer.length) {
    throw new InputError(
      `state holds ${newer.length} snapshot(s) fingerprinted by a newer planner (format ${formats(newer)}; this planner uses format ${FINGERPRINT_FORMAT}); nothing was done`,
      { code: 'fingerprints_newer', hint: 'upgrade planner to the version that wrote this state' },
    );
  }
  const old = list.filter((s) => formatOf(s) < FINGERPRINT_FORMAT);
  if (!old.length) return;
  throw new InputError(
    `state holds ${old.length} snapshot(s) fingerprinted by an older planner (format ${formats(old)}; this planner uses format ${FINGERPRINT_FORMAT}): planning against them would rebuild every model; nothing was done`,
    { code: 'fingerprints_outdated', hint: '`planner migrate` recomputes them from their stored queries and keeps every table; then plan again' },
  );
}

function formats(snapshots: Pick<Snapshot, 'fingerprintFormat'>[]): string {
  return [...new Set(snapshots.map(formatOf))].sort().join(', ');
}
