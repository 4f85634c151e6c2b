import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindStrategy } from '../kinds/registry.js';
import type { Fingerprint } from '../snapshot/snapshot.js';
import { hashOf } from '../util/hash.js';
import { readText } from '../util/read-text.js';
import type { Model } from './model.js';
import { ModelFields, remembered, rememberFingerprint } from './known-fingerprints.js';
import { codeSalt as modelCodeSalt, fromSource, inSource } from './model-cache.js';

/** Bumped when what the file holds changes shape. */
const FORMAT = 'project-cache-5';

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
 * load with the same inputs (a no-op plan) reads and hashes its files and decodes a JSON
 * text per model: no header, macro or reference work per model, no DAG sort, and the models'
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

/** The hash of a load's inputs other than its model files (those of projectKey): entries of the same base can share a file's models. */
export function projectBase(context: string, gateways: readonly string[], salt = codeSalt()): string {
  return hashOf(salt, context, JSON.stringify(gateways));
}

/** A file's hash as an entry stores it (one-shot SHA-256: this runs only when the whole key missed, or to write). */
export const fileHash = (source: string): string => hashOf(source);

/**
 * The file: a header `FORMAT key base`, a line of what the project holds besides its
 * models (their DAG order; disabled models and files with no enabled model, by file and
 * hash), then a line per model in the models' map order: its file's hash, its own data,
 * data and metadata hashes and its snapshot id, separated by spaces, a tab, and the model
 * as JSON (no hash holds a space, nor an id a tab or newline). `base` hashes the key's
 * inputs other than the files (salt, context, gateways): while it matches, the models of
 * an unchanged file (same path, same hash) are what a fresh load of it gives
 * (readPriorProject), and their lines can be written again as read.
 */
interface Meta {
  order: string[];
  /** Disabled models: name, file. */
  disabled: [string, string][];
  /** Files none of whose models is enabled: file, hash. */
  bare: [string, string][];
  /** In a patch: how many lines it replaces. */
  patched?: number;
}

/**
 * A patch (`project.patch`, header `PATCH key base baseKey`) holds an entry as the lines it
 * replaces in the file whose key is `baseKey`, each as `index line`, and its whole meta
 * line: a load after one edit writes it instead of the whole file (15 MB at 10,000
 * models), while the models keep their order. A patch of another base file is ignored;
 * a whole file is written (and the patch removed) once a patch would replace an eighth.
 */
const PATCH = 'project-patch-1';

/** The project cache's entry as read, before any model line is decoded. */
export interface ProjectCacheFile {
  key: string;
  base: string;
  meta: Meta;
  /** The key of the whole file, which a patch is written against. */
  fileKey: string;
  /** The model lines (the file's, a patch's where it has one); ['broken'] when they do not read. */
  lines(): string[];
  /** After lines(): the indexes a patch replaced. */
  patched: Set<number>;
}

/** The file in `dir`, split into its parts; undefined when missing, foreign or broken. Read once for both readers below. */
export function readProjectCacheFile(dir: string): ProjectCacheFile | undefined {
  const file = readSection(join(dir, 'project.cache'), FORMAT, 2);
  if (!file) return undefined;
  const [key, base] = file.fields;
  const fileLines = () => splitLines(file.body, file.meta.order?.length);
  const patch = readSection(join(dir, 'project.patch'), PATCH, 3);
  if (!patch || patch.fields[2] !== key) return { key, base, meta: file.meta, fileKey: key, lines: fileLines, patched: new Set() };
  const patched = new Set<number>();
  const lines = () => {
    const out = fileLines();
    const replacing = splitLines(patch.body, patch.meta.patched);
    if (out.length !== patch.meta.order?.length || replacing[0] === 'broken') return ['broken'];
    for (const line of replacing) {
      const space = line.indexOf(' ');
      const at = Number(line.slice(0, space));
      if (space < 1 || !Number.isInteger(at) || at < 0 || at >= out.length) return ['broken'];
      out[at] = line.slice(space + 1);
      patched.add(at);
    }
    return out;
  };
  return { key: patch.fields[0], base: patch.fields[1], meta: patch.meta, fileKey: key, lines, patched };
}

/** A file's header fields after its format, its meta line and the text of its lines; undefined when missing, foreign or broken. */
function readSection(path: string, format: string, fields: number): { fields: string[]; meta: Meta; body: string } | undefined {
  let text: string;
  try {
    text = readText(path);
  } catch {
    return undefined; // none yet
  }
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  // Written whole and renamed into place: a file cut short lacks its last newline.
  if (second < 0 || !text.endsWith('\n')) return undefined;
  const head = text.slice(0, first).split(' ');
  if (head[0] !== format || head.length !== fields + 1 || head.some((f) => !f)) return undefined;
  try {
    return { fields: head.slice(1), meta: JSON.parse(text.slice(first + 1, second)) as Meta, body: text.slice(second + 1, -1) };
  } catch {
    return undefined;
  }
}

/** The lines of a body, `count` of them (a file cut at a line's end lacks some), else ['broken'], which does not read. */
function splitLines(body: string, count: number | undefined): string[] {
  const lines = body ? body.split('\n') : [];
  return lines.length === count ? lines : ['broken'];
}

/** One model line's parts; undefined when it does not read. */
function parseLine(line: string): { hash: string; fp: Fingerprint; id: string; prefix: string; json: string; model: Model } | undefined {
  const tab = line.indexOf('\t');
  const s1 = line.indexOf(' ');
  const s2 = line.indexOf(' ', s1 + 1);
  const s3 = line.indexOf(' ', s2 + 1);
  const s4 = line.indexOf(' ', s3 + 1);
  if (tab < 0 || s1 < 0 || s2 < 0 || s3 < 0 || s4 < 0 || s4 > tab) return undefined;
  const json = line.slice(tab + 1);
  try {
    const model = JSON.parse(json) as Model;
    return { hash: line.slice(0, s1), fp: { ownData: line.slice(s1 + 1, s2), data: line.slice(s2 + 1, s3), metadata: line.slice(s3 + 1, s4) }, id: line.slice(s4 + 1, tab), prefix: line.slice(0, tab), json, model };
  } catch {
    return undefined;
  }
}

/**
 * The lines of the entry a load started from (readPriorProject), by index: for each model
 * of an unchanged file, the model read, its JSON text, the part before the tab and what it
 * says, and whether the whole file (not a patch) holds it. The writer writes such a line
 * again as it was while the model is the one read and its fingerprint and id stand, since
 * it takes only a load's models, unchanged in every field it checks since the load.
 */
export type LinesRead = readonly ({ model: Model; json: string; prefix: string; fp: Fingerprint; id: string; inFile: boolean } | undefined)[];

/** A model read from a line, completed with its file's text and its fingerprints remembered later. */
function restore(parsed: NonNullable<ReturnType<typeof parseLine>>, source: string): Model {
  const model = parsed.model;
  model.source = source;
  model.query = fromSource(model.query as unknown as string | number, source, model.queryOffset);
  return model;
}

/** The project the entry in `dir` holds for `key`, its models completed with their files' texts; undefined on any miss. */
export function readProjectCache(entry: ProjectCacheFile | undefined, key: string, files: readonly SourceFile[], projectDir: string): CachedProject | undefined {
  if (!entry || entry.key !== key) return undefined;
  const models = new Map<string, Model>();
  const data = new Map<string, string>();
  const fps: { model: Model; fp: Fingerprint; id: string }[] = [];
  // The models are stored in the order of their files (the loader's), which are sorted: one walk pairs them.
  let at = 0;
  for (const line of entry.lines()) {
    const parsed = parseLine(line);
    if (!parsed) return undefined;
    const file = parsed.model.file;
    while (at < files.length && files[at].file !== file) at++;
    if (at === files.length || !seedUnchanged(parsed.model, projectDir)) return undefined;
    const model = restore(parsed, files[at].source);
    models.set(model.name, model);
    data.set(model.name, parsed.fp.data);
    fps.push({ model, fp: parsed.fp, id: parsed.id });
  }
  const dataOf = (name: string) => data.get(name);
  for (const { model, fp, id } of fps) rememberFingerprint(model, fp, dataOf, id);
  return { models, order: entry.meta.order };
}

/** What an entry of another key still gives a load (readPriorProject). */
export interface PriorProject {
  /** By index in the load's files: the models of each file whose bytes (and seeds) are unchanged, in the file's order, their fingerprints remembered. */
  kept: (Model[] | undefined)[];
  /** The files to load afresh (new, changed, or with a changed seed), by index in the load's files. */
  changed: number[];
  /** The models (name, enabled) the entry had from files now changed or gone: a load of the changed files must yield the same. */
  replaced: Map<string, boolean>;
  /** Disabled models of kept files, by name: their file. */
  disabled: Map<string, string>;
  /** Whether a kept file defines this enabled model, and all such names. */
  keeps: (name: string) => boolean;
  keptNames: () => string[];
  /** The entry's DAG order, and the parents the replaced models had. */
  order: string[];
  parents: Map<string, string[]>;
  /** A file's hash (by its path), for the writer: computed once, when first asked. */
  hashOf: (file: string) => string | undefined;
  /** For the writer: the whole file's key and the names of its lines, in order. */
  patchOf: PatchOf;
  /** For the writer: the lines kept models were read from. */
  readFrom: LinesRead;
}

/** The whole file a patch can be written against: its key, and its models' names in order. */
export interface PatchOf {
  fileKey: string;
  names: readonly string[];
}

/** How a file of the load stands against the entry (readPriorProject). */
const KEPT = 1;
const STALE = 2;

/**
 * What the entry in `dir`, written for other files but the same `base` (salt, context,
 * gateways), still gives: the models of every file whose path and hash are unchanged (and
 * whose seeds are), since a model follows from its file and those inputs alone once the
 * project's set of model names is the same (the caller checks it). Undefined when the
 * entry is missing, broken or of another base. Files are found by their index, walking
 * the lines (which follow the files' order), not by path in maps: at 10,000 models the
 * maps cost more than the rest of the walk.
 */
export function readPriorProject(entry: ProjectCacheFile | undefined, base: string, files: readonly SourceFile[], projectDir: string): PriorProject | undefined {
  if (!entry || entry.base !== base) return undefined;
  const hashes: (string | undefined)[] = new Array(files.length);
  const hashAt = (f: number) => (hashes[f] ??= fileHash(files[f].source));
  let byPath: Map<string, number> | undefined;
  const indexOf = (file: string) => (byPath ??= new Map(files.map((f, i) => [f.file, i]))).get(file) ?? -1;
  // The next file with lines is almost always the one after: a few steps, then the map.
  const next = (file: string, from: number) => {
    for (let f = from; f < files.length && f < from + 8; f++) if (files[f].file === file) return f;
    return indexOf(file);
  };
  const standing = new Uint8Array(files.length);
  const kept: (Model[] | undefined)[] = new Array(files.length);
  const data = new Map<string, string>();
  const lines = entry.lines();
  const names: string[] = new Array(lines.length);
  const lineFiles = new Int32Array(lines.length);
  const lineParents: string[][] = new Array(lines.length);
  const readFrom: NonNullable<LinesRead[number]>[] = new Array(lines.length);
  let at = 0;
  for (let index = 0; index < lines.length; index++) {
    const parsed = parseLine(lines[index]);
    if (!parsed) return undefined;
    const { model } = parsed;
    names[index] = model.name;
    lineParents[index] = model.parents;
    data.set(model.name, parsed.fp.data);
    const f = next(model.file, at);
    lineFiles[index] = f;
    if (f < 0) continue;
    at = f;
    if (standing[f] === STALE) continue;
    if (hashAt(f) !== parsed.hash || !seedUnchanged(model, projectDir)) {
      // A file one of whose models is stale is loaded afresh whole.
      standing[f] = STALE;
      kept[f] = undefined;
      continue;
    }
    standing[f] = KEPT;
    const restored = restore(parsed, files[f].source);
    readFrom[index] = { model: restored, json: parsed.json, prefix: parsed.prefix, fp: parsed.fp, id: parsed.id, inFile: !entry.patched.has(index) };
    (kept[f] ??= []).push(restored);
  }
  const replaced = new Map<string, boolean>();
  const parents = new Map<string, string[]>();
  const dataOf = (name: string) => data.get(name);
  for (let index = 0; index < lines.length; index++) {
    const f = lineFiles[index];
    if (f >= 0 && standing[f] === KEPT) {
      const read = readFrom[index];
      rememberFingerprint(read.model, read.fp, dataOf, read.id);
    } else {
      replaced.set(names[index], true);
      parents.set(names[index], lineParents[index]);
    }
  }
  const bare = new Map(entry.meta.bare);
  const unchangedBare = (f: number) => f >= 0 && bare.size > 0 && bare.get(files[f].file) === hashAt(f);
  const disabled = new Map<string, string>();
  for (const [name, file] of entry.meta.disabled) {
    const f = indexOf(file);
    if ((f >= 0 && standing[f] === KEPT) || unchangedBare(f)) disabled.set(name, file);
    else replaced.set(name, false);
  }
  const changed: number[] = [];
  for (let f = 0; f < files.length; f++) if (standing[f] !== KEPT && !unchangedBare(f)) changed.push(f);
  const keeps = (name: string) => data.has(name) && !replaced.has(name);
  // The writer asks for the files of the few models an edit changed: found one by one, no map of every path.
  let asked = 0;
  const hashOf = (file: string) => {
    const f = byPath || ++asked > 16 ? indexOf(file) : files.findIndex((s) => s.file === file);
    return f < 0 ? undefined : hashAt(f);
  };
  return { kept, changed, replaced, disabled, keeps, keptNames: () => names.filter(keeps), order: entry.meta.order, parents, hashOf, patchOf: { fileKey: entry.fileKey, names }, readFrom };
}

/** A project's fingerprints and snapshot ids by model name, as fingerprintProject gives them. */
export type ProjectFingerprints = ReadonlyMap<string, { fingerprint: Fingerprint; id: string }>;

/** What a writer needs besides the project: the files the load read and its disabled models (name, file); each file's hash when known. */
export interface WriterInputs {
  files: readonly SourceFile[];
  disabled: [string, string][];
  hashOf?: (file: string) => string | undefined;
  /** The whole file of the entry the load started from, when it gave models (readPriorProject), and the lines it read them from. */
  patchOf?: PatchOf;
  readFrom?: LinesRead;
}

/**
 * The writer of a load's entry under `key` (and `base`, projectBase), for
 * fingerprintProject to call with the project's fingerprints (model/ cannot compute them:
 * fingerprinting is a layer above). It writes once, atomically, and only while the project
 * holds the very models the load made, each with the fields it had (what the key's inputs
 * gave), and remembers the fingerprints, so fingerprinting the project again costs nothing.
 * A model read from the previous entry, untouched and with the same fingerprint, is written
 * as its line was read, so a load after one edit serializes only what the edit changed.
 */
export function projectCacheWriter(dir: string, key: string, base: string, project: CachedProject, inputs: WriterInputs): (fingerprints: ProjectFingerprints) => void {
  // A model with a remembered fingerprint has its fields kept with it (known-fingerprints.ts): no second copy.
  const loaded = [...project.models].map(([name, model]) => ({ name, model, fields: remembered(model) ? undefined : new ModelFields(model) }));
  const order = project.order;
  let done = false;
  return (fingerprints) => {
    if (done) return;
    done = true;
    if (project.order !== order || project.models.size !== loaded.length) return;
    for (const { name, model, fields } of loaded) if (project.models.get(name) !== model || !(fields ? fields.holds(model) : remembered(model)) || !fingerprints.has(name)) return;
    const dataOf = (name: string) => fingerprints.get(name)?.fingerprint.data;
    const hashOf = inputs.hashOf ?? hashesOf(inputs.files);
    const withModels = new Set<string>();
    const patchOf = inputs.patchOf?.names.length === loaded.length ? inputs.patchOf : undefined;
    // In the map's order, which a load from the cache gives back: the part before the tab, and
    // the JSON; joined only for the file written (a patch takes those that changed).
    const prefixes: string[] = [];
    const jsons: string[] = [];
    const replacing: string[] = [];
    let file: string | undefined;
    for (let i = 0; i < loaded.length; i++) {
      const { name, model } = loaded[i];
      const { fingerprint: fp, id } = fingerprints.get(name)!;
      // Models of one file are consecutive: one Set entry per file.
      if (model.file !== file) withModels.add((file = model.file));
      const read = inputs.readFrom?.[i]?.model === model ? inputs.readFrom[i] : undefined;
      if (read && read.id === id && read.fp.ownData === fp.ownData && read.fp.data === fp.data && read.fp.metadata === fp.metadata) {
        // As read, and remembered as such already.
        prefixes.push(read.prefix);
        jsons.push(read.json);
        if (patchOf && !read.inFile) replacing.push(`${i} ${read.prefix}\t${read.json}\n`);
        continue;
      }
      const memo = remembered(model);
      if (memo?.ownData !== fp.ownData || memo.data !== fp.data || memo.metadata !== fp.metadata || memo.id !== id) rememberFingerprint(model, fp, dataOf, id);
      const hash = hashOf(model.file);
      if (hash === undefined) return;
      // A line must split where a reader splits it.
      if (/[\t\n]/.test(id) || [fp.ownData, fp.data, fp.metadata].some((h) => /\s/.test(h))) return;
      const prefix = `${hash} ${fp.ownData} ${fp.data} ${fp.metadata} ${id}`;
      // The file's text is read anyway: not stored again, nor a query that is a part of it.
      const json = read?.json ?? JSON.stringify({ ...model, query: inSource(model.query, model.source, model.queryOffset), source: '' });
      prefixes.push(prefix);
      jsons.push(json);
      if (patchOf) replacing.push(`${i} ${prefix}\t${json}\n`);
    }
    const bare: [string, string][] = inputs.files.filter(({ file }) => !withModels.has(file)).map(({ file }) => [file, hashOf(file)!]);
    const meta: Meta = { order, disabled: inputs.disabled, bare };
    const patch = patchOf && replacing.length <= Math.max(64, loaded.length / 8) && loaded.every(({ name }, i) => patchOf.names[i] === name);
    try {
      mkdirSync(dir, { recursive: true });
      if (patch) {
        atomicWrite(join(dir, 'project.patch'), `${PATCH} ${key} ${base} ${patchOf.fileKey}\n${JSON.stringify({ ...meta, patched: replacing.length })}\n${replacing.join('')}`);
        return;
      }
      const lines = prefixes.map((prefix, i) => `${prefix}\t${jsons[i]}\n`);
      atomicWrite(join(dir, 'project.cache'), `${FORMAT} ${key} ${base}\n${JSON.stringify(meta)}\n${lines.join('')}`);
      // A patch of the file it replaced no longer applies (its base key differs); gone, it is not even read.
      rmSync(join(dir, 'project.patch'), { force: true });
    } catch {
      // A cache that cannot be written only costs the next load the work.
    }
  };
}

/** Each file's hash by its path, computed at once for a whole load. */
function hashesOf(files: readonly SourceFile[]): (file: string) => string | undefined {
  const hashes = new Map(files.map(({ file, source }) => [file, fileHash(source)]));
  return (file) => hashes.get(file);
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
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
