import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelDefaults } from '../config/types.js';
import type { MacroTable } from '../macros/registry.js';
import { hashOf } from '../util/hash.js';
import { packageVersion } from '../util/package-version.js';
import { readText } from '../util/read-text.js';
import { stableStringify } from '../util/stable-json.js';
import type { ExpandedQuery } from './expand-queries.js';
import type { ModelDefinition } from './model.js';

/** What one model file yielded: its definitions and, for each with a query, that query expanded and analysed. */
export interface CachedModel {
  def: ModelDefinition;
  expansion?: CachedExpansion;
}

/** An ExpandedQuery as stored: positions back into the file are not kept (an error reloads without the cache). */
export type CachedExpansion = Omit<ExpandedQuery, 'expanded' | 'template' | 'cacheable'> & {
  expanded: Pick<ExpandedQuery['expanded'], 'query' | 'queryStart' | 'changed' | 'pre' | 'post' | 'onVirtualUpdate'>;
  /** The analysis cache's key of the parsed template, so that cache keeps it while this entry is used. */
  analysisKey: string;
};

/** Bumped when what an entry holds changes shape. */
const FORMAT = 'model-cache-2';

/**
 * Whole model files already loaded, so an unchanged file costs a hash and a lookup
 * instead of a header parse, a macro expansion and a query analysis. An entry's key is a
 * hash of everything that went into it: the file's path and exact bytes, the config's
 * model defaults, every variable of the environment, the default gateway (@gateway), the
 * names and files of the project's macros and the bytes of every file in `macros/`, and (in the salt) the bytes of the code that
 * reads, expands and analyses models and the parsers' versions. What a file's models
 * compute from other files is never cached: a model whose macros asked for another
 * relation's columns, or that called a TypeScript macro (code the key cannot see into),
 * is loaded afresh every time. A stale entry therefore can never match; the cache can be
 * deleted at any time. Each line of the file is `<key> <json>`, so a load parses only
 * the entries it uses.
 */
export class ModelCache {
  private readonly lines = new Map<string, string>();
  private readonly kept = new Map<string, string>();
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly salt: string,
    private readonly context: string | undefined,
    text: string,
  ) {
    const header = `${FORMAT} ${salt}\n`;
    if (!text.startsWith(header)) return;
    for (let at = header.length; at < text.length; ) {
      const end = text.indexOf('\n', at);
      const stop = end < 0 ? text.length : end;
      const space = text.indexOf(' ', at);
      if (space > at && space < stop) this.lines.set(text.slice(at, space), text.slice(space + 1, stop));
      at = stop + 1;
    }
  }

  /**
   * The cache in `dir` (`.planner/cache/`), or an in-memory one when `dir` is undefined,
   * for a load with these inputs. Variables that JSON cannot state exactly (a Date, a
   * function) make every lookup miss: their text would not tell values apart.
   */
  static open(dir: string | undefined, inputs: CacheInputs, salt = codeSalt()): ModelCache {
    return ModelCache.withContext(dir, cacheContext(inputs), salt);
  }

  /** The cache in `dir` for a load whose inputs gave `context` (cacheContext). */
  static withContext(dir: string | undefined, context: string | undefined, salt = codeSalt()): ModelCache {
    const file = dir && join(dir, 'models.cache');
    let text = '';
    try {
      if (file) text = readText(file);
    } catch {
      // No cache yet, or one that does not read: start empty.
    }
    return new ModelCache(file, salt, context, text);
  }

  /** The key of a file's entry, or undefined when this load cannot be cached. */
  key(file: string, source: string): string | undefined {
    return this.context === undefined ? undefined : hashOf(this.salt, this.context, file, source);
  }

  /** The models a file yielded when its key was last seen; `source` is put back into each definition. */
  get(key: string | undefined, source: string): CachedModel[] | undefined {
    if (key === undefined) return undefined;
    const line = this.lines.get(key);
    if (line === undefined) return undefined;
    let models: CachedModel[];
    try {
      models = JSON.parse(line) as CachedModel[];
    } catch {
      return undefined;
    }
    this.kept.set(key, line);
    for (const m of models) {
      m.def.source = source;
      m.def.query = fromSource(m.def.query, source, m.def.queryOffset);
      if (m.expansion) m.expansion.expanded.query = fromSource(m.expansion.expanded.query, source, m.def.queryOffset);
    }
    return models;
  }

  set(key: string | undefined, models: CachedModel[]): void {
    if (key === undefined) return;
    // The file's text is read anyway: it is not stored again, nor a query that is a part of it.
    const line = JSON.stringify(
      models.map(({ def, expansion }) => ({
        def: { ...def, query: inSource(def.query, def.source, def.queryOffset), source: '' },
        ...(expansion ? { expansion: { ...expansion, expanded: { ...expansion.expanded, query: inSource(expansion.expanded.query, def.source, def.queryOffset) } } } : {}),
      })),
    );
    if (this.kept.get(key) === line) return;
    this.kept.set(key, line);
    this.changed = true;
  }

  /** Writes the entries of this load (others belong to files that changed or went), atomically, when they differ from the file's. */
  save(): void {
    if (!this.file) return;
    if (!this.changed && this.kept.size === this.lines.size) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${FORMAT} ${this.salt}\n${[...this.kept].map(([k, line]) => `${k} ${line}\n`).join('')}`);
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs the next load the work.
    }
  }
}

/** What a load's models depend on besides their own files and the code. */
export interface CacheInputs {
  projectDir: string;
  modelDefaults: ModelDefaults;
  variables: Record<string, unknown>;
  defaultGateway: string;
  macros: MacroTable;
}

/**
 * The hash of a load's inputs other than its model files; undefined when they cannot be
 * hashed exactly (variables that JSON cannot state, such as a Date or a function: their
 * text would not tell values apart), and then nothing is cached.
 */
export function cacheContext(inputs: CacheInputs): string | undefined {
  if (!plainJson(inputs.variables) || !plainJson(inputs.modelDefaults)) return undefined;
  return hashOf(
    stableStringify(inputs.modelDefaults),
    // JSON-exact, key order kept: an object variable prints as a struct in its own key order.
    JSON.stringify(inputs.variables),
    inputs.defaultGateway,
    ...[...inputs.macros].map(([name, m]) => `${name}=${m.file ?? ''}`).sort(),
    ...macroFiles(inputs.projectDir),
  );
}

/**
 * A query as stored: its length when it is the file's own text at `offset` (most are: the
 * query as written, and its expansion when no macro changed it), else the text itself.
 * The entry's key holds the file's exact bytes, so the same slice gives the same text back.
 */
function inSource(query: string, source: string, offset: number): string | number {
  return source.startsWith(query, offset) ? query.length : query;
}

/** A stored query back as text (inSource's inverse, for the same file). */
function fromSource(stored: string | number, source: string, offset: number): string {
  return typeof stored === 'number' ? source.slice(offset, offset + stored) : stored;
}

/** A query as stored in an entry (inSource) and back (fromSource), for the project cache too. */
export { fromSource, inSource };

/** Every file of the project's `macros/` (Jinja macros in .sql, TypeScript ones), by name and bytes. */
function macroFiles(projectDir: string): string[] {
  const dir = join(projectDir, 'macros');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort()
    .flatMap((f) => [f, readFileSync(join(dir, f), 'utf8')]);
}

/** Whether JSON states `value` exactly: plain objects, arrays, strings, finite numbers, booleans, null. */
function plainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(plainJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(plainJson);
  return false;
}

let salt: string | undefined;

/**
 * The bytes of the code an entry's value comes from (this package's model/, macros/,
 * kinds/, util/ and config/ folders and errors) and the parsers' versions, as the
 * analysis cache reads them: a change to any gives every entry a new key.
 */
export function codeSalt(): string {
  if (salt) return salt;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const ext = extname(fileURLToPath(import.meta.url));
  const parts: string[] = [];
  for (const folder of ['model', 'macros', 'kinds', 'util', 'config', '.']) {
    const dir = join(root, folder);
    for (const f of readdirSync(dir).filter((n) => n.endsWith(ext)).sort()) parts.push(`${folder}/${f}`, readFileSync(join(dir, f), 'utf8'));
  }
  salt = hashOf(FORMAT, parserVersions(), ...parts);
  return salt;
}

/** The parsers' package versions, which decide what a query's analysis holds. */
function parserVersions(): string {
  return ['@duckdb/node-api', 'libpg-query'].map((p) => `${p}@${packageVersion(p)}`).join(',');
}
