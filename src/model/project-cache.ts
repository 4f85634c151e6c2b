import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindStrategy } from '../kinds/registry.js';
import type { Fingerprint } from '../snapshot/snapshot.js';
import { hashOf } from '../util/hash.js';
import { readText } from '../util/read-text.js';
import type { Model } from './model.js';
import { ModelFields, rememberFingerprint } from './known-fingerprints.js';
import { codeSalt as modelCodeSalt, fromSource, inSource } from './model-cache.js';

/** Bumped when what the file holds changes shape. */
const FORMAT = 'project-cache-4';

/** A model file as the load read it: its path relative to the project, with `/`, and its text. */
export interface SourceFile {
  file: string;
  source: string;
}

/** The models of a load and their DAG order, as the cache gives them back. */
export interface CachedProject {
  models: Map<string, Model>;
  order: string[];
}

/**
 * The whole result of a load whose every model was cacheable (model-cache.ts), so that a
 * load with the same inputs (a no-op plan) reads and hashes its files and decodes one
 * JSON text: no header, macro or reference work per model, no DAG sort, and the models'
 * fingerprints come with them (remembered for fingerprintModel), computed when the entry
 * was written. Its key (projectKey) holds everything the load read: every model file's
 * path and bytes, the model cache's context (model defaults, variables, default gateway,
 * macros and the bytes of `macros/`), the gateways' names, and in the salt the code that
 * loads and fingerprints models. A SEED's CSV is the one input read through a model: an
 * entry holds each seed's hash, checked against the file before the entry is used. A
 * stale entry therefore can never be used, and deleting the file changes no result.
 */
export function projectKey(context: string, gateways: readonly string[], files: readonly SourceFile[], salt = codeSalt()): string {
  // One running hash: a hash per file cost more than hashing the bytes.
  const hash = createHash('sha256').update(`${salt}\0${context}\0${JSON.stringify(gateways)}\0${files.length}\0`);
  // The length (in UTF-16 units) says where each text ends, so no two file lists hash alike.
  for (const { file, source } of files) hash.update(`${file}\0${source.length}\0`).update(source);
  return hash.digest('hex');
}

/** The project the entry in `dir` holds for `key`, its models completed with their files' texts; undefined on any miss. */
export function readProjectCache(dir: string, key: string, files: readonly SourceFile[], projectDir: string): CachedProject | undefined {
  let text: string;
  try {
    text = readText(join(dir, 'project.cache'));
  } catch {
    return undefined; // none yet
  }
  const header = `${FORMAT} ${key}\n`;
  if (!text.startsWith(header)) return undefined;
  // `fingerprints`: each model's own data, data, metadata hash and snapshot id, four strings a model, in the models' order.
  let saved: { models: Model[]; order: string[]; fingerprints: string[] };
  try {
    saved = JSON.parse(text.slice(header.length)) as typeof saved;
  } catch {
    return undefined;
  }
  const { models: stored, fingerprints: fp } = saved;
  if (fp.length !== stored.length * 4) return undefined;
  const models = new Map<string, Model>();
  const data = new Map<string, string>();
  // The models are stored in the order of their files (the loader's), which are sorted: one walk pairs them.
  let at = 0;
  for (let i = 0; i < stored.length; i++) {
    const model = stored[i];
    while (at < files.length && files[at].file !== model.file) at++;
    if (at === files.length || !seedUnchanged(model, projectDir)) return undefined;
    const source = files[at].source;
    model.source = source;
    model.query = fromSource(model.query as unknown as string | number, source, model.queryOffset);
    models.set(model.name, model);
    data.set(model.name, fp[i * 4 + 1]);
  }
  const dataOf = (name: string) => data.get(name);
  for (let i = 0; i < stored.length; i++) rememberFingerprint(stored[i], { ownData: fp[i * 4], data: fp[i * 4 + 1], metadata: fp[i * 4 + 2] }, dataOf, fp[i * 4 + 3]);
  return { models, order: saved.order };
}

/** A project's fingerprints and snapshot ids by model name, as fingerprintProject gives them. */
export type ProjectFingerprints = ReadonlyMap<string, { fingerprint: Fingerprint; id: string }>;

/**
 * The writer of a load's entry under `key`, for fingerprintProject to call with the
 * project's fingerprints (model/ cannot compute them: fingerprinting is a layer above).
 * It writes once, atomically, and only while the project holds the very models the load
 * made, each with the fields it had (what the key's inputs gave), and remembers the
 * fingerprints, so fingerprinting the project again costs nothing.
 */
export function projectCacheWriter(dir: string, key: string, project: CachedProject): (fingerprints: ProjectFingerprints) => void {
  const loaded = [...project.models].map(([name, model]) => ({ name, model, fields: new ModelFields(model) }));
  const order = project.order;
  let done = false;
  return (fingerprints) => {
    if (done) return;
    done = true;
    if (project.order !== order || project.models.size !== loaded.length) return;
    for (const { name, model, fields } of loaded) if (project.models.get(name) !== model || !fields.holds(model) || !fingerprints.has(name)) return;
    const dataOf = (name: string) => fingerprints.get(name)?.fingerprint.data;
    // In the map's order, which a load from the cache gives back.
    const stored: string[] = [];
    const models: unknown[] = [];
    for (const { name, model } of loaded) {
      const { fingerprint: fp, id } = fingerprints.get(name)!;
      rememberFingerprint(model, fp, dataOf, id);
      stored.push(fp.ownData, fp.data, fp.metadata, id);
      // The file's text is read anyway: not stored again, nor a query that is a part of it.
      models.push({ ...model, query: inSource(model.query, model.source, model.queryOffset), source: '' });
    }
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'project.cache');
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${FORMAT} ${key}\n${JSON.stringify({ models, order, fingerprints: stored })}`);
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs the next load the work.
    }
  };
}

/** Whether a model's data file (a SEED's CSV) still has the bytes its seedHash was computed from; true for kinds without one. */
function seedUnchanged(model: Model, projectDir: string): boolean {
  const dataFile = kindStrategy(model.kind).dataFile;
  if (!dataFile) return true;
  try {
    return hashOf(readFileSync(resolve(dirname(join(projectDir, model.file)), dataFile.path(model.kind)), 'utf8')) === model.seedHash;
  } catch {
    return false;
  }
}

let salt: string | undefined;

/** The model cache's salt (the code that loads models) and the bytes of the code that fingerprints them. */
function codeSalt(): string {
  if (salt) return salt;
  const here = fileURLToPath(import.meta.url);
  const fingerprintCode = join(dirname(dirname(here)), 'snapshot', `fingerprint${extname(here)}`);
  salt = hashOf(FORMAT, modelCodeSalt(), readFileSync(fingerprintCode, 'utf8'));
  return salt;
}
