import type { Fingerprint } from '../snapshot/snapshot.js';
import type { Model } from './model.js';

/**
 * Fingerprints already known for model objects: those the project cache restored with the
 * models (project-cache.ts; its key holds every input of the load and the code of
 * snapshot/fingerprint.ts), and those a project's first fingerprinting stored in it. Each holds the fields it was computed from,
 * and is used only while the model still has those very values (a model is not changed
 * after its load; a copy such as a sampled `{ ...model, sample }` is another object) and
 * its parents the same data hashes.
 */
const KNOWN = Symbol('known fingerprint');

/**
 * Kept on the model itself, under a symbol and not enumerable: JSON, spreads, Object.assign
 * and structuredClone leave it behind, as they would a WeakMap's entry, and the collector
 * has no module-wide WeakMap to trace entry by entry (an ephemeron for every model a
 * process ever loaded: a server or a benchmark plans many times).
 */
type WithKnown = Model & { [KNOWN]?: Remembered };

/** Each parent's data hash by name, as the fingerprint was computed from them (one lookup for the whole project, not an array per model). */
export type ParentData = (name: string) => string | undefined;

/** The fields of a model that fingerprintModel reads, and its name (in the snapshot id), as they were: one object a model (checking it reads little memory). */
export class ModelFields {
  readonly kind; readonly dialect; readonly shape; readonly variables; readonly macros; readonly seedHash; readonly columns; readonly start;
  readonly externals; readonly sample; readonly properties; readonly statements; readonly parents; readonly owner; readonly description;
  readonly cron; readonly tags; readonly grain; readonly audits; readonly forwardOnly; readonly inlineAudits; readonly name;

  constructor(m: Model) {
    this.kind = m.kind; this.dialect = m.dialect; this.shape = m.shape; this.variables = m.variables; this.macros = m.macros;
    this.seedHash = m.seedHash; this.columns = m.columns; this.start = m.start; this.externals = m.externals; this.sample = m.sample;
    this.properties = m.properties; this.statements = m.statements; this.parents = m.parents; this.owner = m.owner;
    this.description = m.description; this.cron = m.cron; this.tags = m.tags; this.grain = m.grain; this.audits = m.audits;
    this.forwardOnly = m.forwardOnly; this.inlineAudits = m.inlineAudits; this.name = m.name;
  }

  /** Whether `m` still holds these very values. */
  holds(m: Model): boolean {
    return this.kind === m.kind && this.dialect === m.dialect && this.shape === m.shape && this.variables === m.variables && this.macros === m.macros &&
      this.seedHash === m.seedHash && this.columns === m.columns && this.start === m.start && this.externals === m.externals && this.sample === m.sample &&
      this.properties === m.properties && this.statements === m.statements && this.parents === m.parents && this.owner === m.owner &&
      this.description === m.description && this.cron === m.cron && this.tags === m.tags && this.grain === m.grain && this.audits === m.audits &&
      this.forwardOnly === m.forwardOnly && this.inlineAudits === m.inlineAudits && this.name === m.name;
  }
}

/** A model's fingerprint with the fields it was computed from. */
class Remembered extends ModelFields {
  constructor(m: Model, readonly ownData: string, readonly data: string, readonly metadata: string, readonly parentData: ParentData, public id: string | undefined) {
    super(m);
  }
}

/** Records `fingerprint` as `model`'s, its parents having had `parentData`, and its snapshot id when known. */
export function rememberFingerprint(model: Model, { ownData, data, metadata }: Fingerprint, parentData: ParentData, id?: string): void {
  Object.defineProperty(model, KNOWN, { value: new Remembered(model, ownData, data, metadata, parentData, id), writable: true, configurable: true });
}

/** What is remembered of `model`, while it still holds the fields it was remembered with; undefined otherwise. */
export function remembered(model: Model): Remembered | undefined {
  const memo = (model as WithKnown)[KNOWN];
  return memo?.holds(model) ? memo : undefined;
}
