import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, posix, relative, resolve, sep } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { checkSelfReference, isOwnReference } from './self-reference.js';
import { InputError } from '../errors.js';
import { topologicalOrder } from '../util/dag.js';
import { hashOf } from '../util/hash.js';
import { closestNames, suggestion } from '../util/did-you-mean.js';
import { lineColumn } from '../util/text-position.js';
import type { MacroCall, Model, ModelDefinition, QueryShape, TableReference } from './model.js';
import { checkHeaderColumns } from './check-columns.js';
import { loadExternalModels, type ExternalModel } from './external-models.js';
import { AnalysisCache } from './analysis-cache.js';
import { expandAndParse, type ExpandedQuery } from './expand-queries.js';
import { loadJinjaMacros } from '../macros/jinja-macros.js';
import { cacheContext, ModelCache, type CachedExpansion } from './model-cache.js';
import { projectCacheWriter, projectKey, readProjectCache, type ProjectFingerprints, type SourceFile } from './project-cache.js';
import { projectMacroTable } from '../macros/project-macros.js';
import type { MacroValue } from '../macros/values.js';
import { readFileModels } from './blueprints.js';
import { resolveSeedPath } from './seed-path.js';
import { kindStrategy } from '../kinds/registry.js';
import { checkDeclaredColumns, readSeedCsv } from '../util/seed-csv.js';
export { parseByDialect } from './sql-parser.js';

/** The project's models, keyed by name, and their names in DAG order (parents first). */
export interface Project {
  models: Map<string, Model>;
  order: string[];
  /** Tables declared in external_models.yaml, by `schema.table` (one entry per gateway). */
  externals?: Map<string, ExternalModel[]>;
  /**
   * Set (not enumerable, so a copy of the project has none) on a load the project cache
   * missed and can hold: fingerprintProject gives it the project's fingerprints, and the
   * entry is written with them (project-cache.ts).
   */
  readonly fingerprinted?: (fingerprints: ProjectFingerprints) => void;
}

/** Every `.sql` file under `dir`, sorted, as absolute paths. */
export function discoverFiles(folder: string, extension: string): string[] {
  if (!existsSync(folder)) return [];
  // Normalized and without a trailing separator, as readdir then gives every entry's folder.
  const dir = normalize(folder).replace(/(.)[\\/]+$/, '$1');
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(extension)) {
      // The folder's path is normalized already (readdir joins it): a plain join of the two, without path.join's parsing.
      out.push(`${entry.parentPath ?? (entry as unknown as { path: string }).path}${sep}${entry.name}`);
    }
  }
  return out.sort();
}

/**
 * Loads `models/**.sql`: headers, queries parsed in one batch, references resolved to
 * models or external sources, DAG checked for cycles. `variables` are the values @VAR
 * resolves to in the environment being planned. Files unchanged since the last load (and
 * everything else their models read) come from the model cache (model-cache.ts); bad
 * input is always reported by a load without it, so its location is the file's.
 */
export async function loadProject(config: ResolvedConfig, variables: Record<string, unknown> = config.variables, options: { cache?: boolean } = {}): Promise<Project> {
  const dir = options.cache === false ? undefined : join(config.projectDir, '.planner', 'cache');
  const served = { hits: 0 };
  try {
    return await loadFrom(config, variables, dir, dir, served);
  } catch (err) {
    if (!(err instanceof InputError) || !served.hits) throw err;
    return loadFrom(config, variables, dir, undefined, served);
  }
}

async function loadFrom(config: ResolvedConfig, variables: Record<string, unknown>, analysesDir: string | undefined, modelsDir: string | undefined, served: { hits: number }): Promise<Project> {
  const root = config.projectDir;
  const files = readModelFiles(root);
  const macroTable = await projectMacroTable(root);
  const context = modelsDir === undefined ? undefined : cacheContext({ projectDir: root, modelDefaults: config.modelDefaults, variables, defaultGateway: config.defaultGateway, macros: macroTable });
  const wholeKey = modelsDir === undefined || context === undefined ? undefined : projectKey(context, Object.keys(config.gateways), files);
  const whole = wholeKey === undefined ? undefined : readProjectCache(modelsDir!, wholeKey, files, root);
  if (whole) {
    served.hits++;
    return { ...whole, externals: loadExternalModels(root) };
  }
  const definitions: ModelDefinition[] = [];
  const byName = new Map<string, ModelDefinition>();
  const disabled = new Map<string, ModelDefinition>();
  const blueprints = new Map<ModelDefinition, Record<string, MacroValue>>();
  const cache = AnalysisCache.open(analysesDir);
  const modelCache = modelsDir === undefined ? undefined : ModelCache.withContext(modelsDir, context);
  const cached = new Map<ModelDefinition, ExpandedQuery>();
  const loadedFiles: { key: string | undefined; defs: ModelDefinition[] }[] = [];
  for (const { file, source } of files) {
    const key = modelCache?.key(file, source);
    const hit = modelCache?.get(key, source);
    if (hit) served.hits++;
    else loadedFiles.push({ key, defs: [] });
    // A file with `blueprints` defines several models (blueprints.ts).
    const fileModels: { def: ModelDefinition; blueprint?: Record<string, MacroValue>; expansion?: CachedExpansion }[] = hit ?? readFileModels(source, file, config.modelDefaults, { table: macroTable, variables });
    for (const { def, blueprint, expansion } of fileModels) {
      if (blueprint) blueprints.set(def, blueprint);
      if (expansion) {
        cached.set(def, fromCache(expansion));
        cache.keep(expansion.analysisKey);
      }
      if (!hit) loadedFiles[loadedFiles.length - 1].defs.push(def);
      const existing = byName.get(def.name);
      if (existing) {
        throw new InputError(`model ${def.name} is defined twice (also in ${existing.file})`, { location: at(def, def.source.indexOf(def.name)) });
      }
      byName.set(def.name, def);
      if (def.enabled) definitions.push(def);
      else disabled.set(def.name, def);
    }
  }
  checkModelProperties(definitions, config);

  const withQuery = definitions.filter((d) => d.query);
  const externalModels = loadExternalModels(root);
  const expanded = await expandAndParse(withQuery, byName, config, variables, {
    macros: macroTable,
    blueprints,
    jinjaMacros: loadJinjaMacros(root),
    known: cached,
    analyze: (dialects, templates) => cache.analyze(dialects, templates),
    externalColumns: (name) => externalModels.get(name)?.find((e) => e.columns?.length)?.columns,
  });
  cache.save();
  // Whether every model follows from the files and the key's inputs alone: then the whole result is cached too.
  let allCacheable = true;
  if (modelCache) {
    for (const { key, defs } of loadedFiles) {
      const results = defs.map((def) => ({ def, e: def.enabled && def.query ? expanded.get(def) : undefined }));
      if (results.some((r) => r.e && !r.e.cacheable)) {
        allCacheable = false;
        continue;
      }
      modelCache.set(key, results.map(({ def, e }) => ({ def, ...(e ? { expansion: toCache(e, cache.key(def.dialect, e.template)) } : {}) })));
    }
    modelCache.save();
  }

  // Each definition becomes its model, completed in place: it was read or parsed for this
  // load alone, and copying every definition was the largest cost of a load from the cache.
  const enabled = new Map(definitions.map((def) => [def.name, def]));
  const models = new Map<string, Model>();
  for (const def of definitions) {
    const e = def.query ? expanded.get(def)! : undefined;
    models.set(def.name, e ? queryModel(def, e, enabled, disabled) : asModel(def, def.query, [], [], [], [], null, {}));
  }

  for (const model of models.values()) {
    const dataFile = kindStrategy(model.kind).dataFile;
    if (dataFile) {
      // The resolved path is part of the kind, so environments reading different files get different tables.
      const written = dataFile.path(model.kind);
      model.kind = dataFile.withPath(model.kind, fromProjectRoot(resolveSeedPath(written, variables, at(model, model.source.indexOf(written))), model.file));
      const resolved = dataFile.path(model.kind);
      const path = resolve(dirname(join(root, model.file)), resolved);
      if (!existsSync(path)) {
        throw new InputError(`seed file '${resolved}' does not exist (looked for ${relative(root, path)})`, {
          location: at(model, model.source.indexOf(written)),
          code: 'missing_seed',
        });
      }
      // A malformed CSV is bad input now, at its line, not an engine error at apply time.
      const shown = relative(root, path);
      checkDeclaredColumns(readSeedCsv(path, dataFile.csvSettings?.(model.kind), shown, model.name), model.columns, shown, model.name);
      model.seedHash = hashOf(readFileSync(path, 'utf8'));
    }
  }

  for (const model of models.values()) checkHeaderColumns(model);

  const names = [...models.keys()].sort();
  const result = topologicalOrder(names, (n) => models.get(n)!.parents);
  if ('cycle' in result) {
    const first = models.get(result.cycle[0])!;
    const ref = first.references.find((r) => `${r.schema}.${r.table}`.toLowerCase() === result.cycle[1]);
    throw new InputError(`models form a cycle: ${result.cycle.join(' -> ')} (each reads from the next)`, {
      location: at(first, first.queryOffset + (ref?.start ?? 0)),
      code: 'cycle',
    });
  }
  const project: Project = { models, order: result.order, externals: externalModels };
  if (wholeKey !== undefined && allCacheable) Object.defineProperty(project, 'fingerprinted', { value: projectCacheWriter(modelsDir!, wholeKey, project) });
  return project;
}

/** readFileSync's options as one object: given the string 'utf8', it builds one per call, a sixth of reading 2,000 small files. */
const UTF8 = { encoding: 'utf8' } as const;

/** Every model file (discoverFiles), by its path relative to the project (with `/`) and its text: one read each. */
function readModelFiles(root: string): SourceFile[] {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return discoverFiles(join(root, 'models'), '.sql').map((abs) => {
    // The paths are under the root: cutting it off is what path.relative would do, for a fraction of its cost.
    const rel = abs.startsWith(prefix) ? abs.slice(prefix.length) : relative(root, abs);
    return { file: sep === '/' ? rel : rel.split(sep).join('/'), source: readFileSync(abs, UTF8) };
  });
}

/**
 * A model with a query, from its definition and its expanded query: its parents (models
 * it reads or depends on), the tables outside the project it reads, its own table read
 * only where checkSelfReference allows it.
 */
function queryModel(def: ModelDefinition, e: ExpandedQuery, enabled: ReadonlyMap<string, ModelDefinition>, disabled: ReadonlyMap<string, ModelDefinition>): Model {
  const macros = e.macros;
  // `FROM @this_model` parses as a table; it is a macro, not a dependency.
  const references = macros.length ? e.references.filter((r) => !macros.some((m) => r.start >= m.start && r.start < m.end)) : e.references;
  const queryAt = (offset: number) => at(def, def.queryOffset + e.expanded.sourceOffset(offset));
  const parents = new Set<string>();
  const externals = new Set<string>();
  for (const ref of references) {
    const name = `${ref.schema}.${ref.table}`.toLowerCase();
    // Its own table, not a parent (checkSelfReference says when that is allowed).
    if (isOwnReference(def, ref)) continue;
    if (enabled.has(name)) parents.add(name);
    else if (disabled.has(name)) {
      throw new InputError(`model ${def.name} reads ${name}, which is disabled (enabled false in ${disabled.get(name)!.file})`, {
        location: queryAt(ref.start),
        code: 'disabled_model',
        hint: `enable ${name}, or stop reading it`,
      });
    } else externals.add(ref.schema ? `${ref.schema}.${ref.table}` : ref.table);
  }
  for (const dep of def.properties?.dependsOn ?? []) parents.add(dependency(def, dep, enabled, disabled));
  // The model holds the SQL that runs: static macros expanded, runtime variables kept for each batch.
  const model = asModel(def, e.expanded.query, [...parents].sort(), [...externals].sort(), references, macros, e.shape, e.variables);
  const { pre, post, onVirtualUpdate } = e.expanded;
  if (pre.length || post.length || onVirtualUpdate.length) {
    model.statements = { pre, post, ...(onVirtualUpdate.length ? { onVirtualUpdate } : {}) };
  }
  checkSelfReference(model, queryAt);
  return model;
}

/** `def` completed into its model, in place; the fields come in the order a copy `{ ...def, parents, ... }` would give them. */
function asModel(def: ModelDefinition, query: string, parents: string[], externals: string[], references: TableReference[], macros: MacroCall[], shape: QueryShape | null, variables: Record<string, unknown>): Model {
  const model = def as Model;
  model.query = query;
  model.parents = parents;
  model.externals = externals;
  model.references = references;
  model.macros = macros;
  model.shape = shape;
  model.variables = variables;
  return model;
}

/**
 * A cached expansion as the loader uses it: never asked for a position (an error reloads
 * without the cache). Completed in place rather than copied: the entry was parsed for
 * this load alone.
 */
function fromCache(c: CachedExpansion): ExpandedQuery {
  const e = c as CachedExpansion & Partial<Pick<ExpandedQuery, 'template' | 'cacheable'>> & { expanded: Partial<Pick<ExpandedQuery['expanded'], 'sourceOffset'>> };
  e.expanded.sourceOffset = samePosition;
  e.template = '';
  e.cacheable = true;
  return e as ExpandedQuery;
}

const samePosition = (offset: number) => offset;

function toCache(e: ExpandedQuery, analysisKey: string): CachedExpansion {
  const { query, queryStart, changed, pre, post, onVirtualUpdate } = e.expanded;
  return { expanded: { query, queryStart, changed, pre, post, onVirtualUpdate }, macros: e.macros, references: e.references, shape: e.shape, variables: e.variables, analysisKey };
}

function at(def: ModelDefinition, offset: number) {
  return { file: def.file, ...lineColumn(def.source, Math.max(offset, 0)) };
}

/** A `depends_on` entry: it must name an enabled model other than this one. */
function dependency(def: ModelDefinition, name: string, models: ReadonlyMap<string, unknown>, disabled: ReadonlyMap<string, ModelDefinition>): string {
  const location = at(def, def.source.search(/\bdepends_on\b/i));
  if (name === def.name) throw new InputError(`model ${def.name} depends on itself`, { location, code: 'cycle' });
  if (disabled.has(name)) throw new InputError(`model ${def.name} depends on ${name}, which is disabled (enabled false)`, { location, code: 'disabled_model' });
  if (!models.has(name)) {
    throw new InputError(`depends_on names '${name}', which is not a model`, { location, code: 'unknown_model', hint: closeModels(name, models.keys()) });
  }
  return name;
}

/** Checks properties that name things in the config: a model's gateway must be one of the project's. */
function checkModelProperties(definitions: readonly ModelDefinition[], config: ResolvedConfig): void {
  const gateways = Object.keys(config.gateways);
  for (const def of definitions) {
    const gateway = def.properties?.gateway;
    if (gateway && !gateways.includes(gateway)) {
      throw new InputError(`gateway '${gateway}' is not one of the project's gateways`, {
        location: at(def, def.source.search(/\bgateway\b/i)),
        code: 'unknown_gateway',
        hint: suggestion(gateway, gateways),
      });
    }
  }
}

/** The hint for an unknown model: the close names, else the first known ones. */
export function unknownModelHint(name: string, known: Iterable<string>): string {
  const names = [...known].sort();
  return closeModels(name, names) ?? `models: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`;
}

/** `did you mean a.b?` for model names close to `name`, else undefined (listing thousands of models helps no one). */
export function closeModels(name: string, known: Iterable<string>): string | undefined {
  const close = closestNames(name, known);
  return close.length ? `did you mean ${close.join(' or ')}?` : undefined;
}

/**
 * A model pinned to a gateway (`gateway team`) is built only by plans on that gateway:
 * one plan runs on one connection here, so building it elsewhere would put its table in
 * the wrong warehouse.
 */
export function assertModelGateways(project: Project, gateway: string): void {
  for (const model of project.models.values()) {
    const wanted = model.properties?.gateway;
    if (wanted && wanted !== gateway) {
      throw new InputError(`model ${model.name} runs on gateway '${wanted}', but this plan uses gateway '${gateway}'`, {
        location: at(model, model.source.search(/\bgateway\b/i)),
        code: 'gateway_mismatch',
        hint: `plan with --gateway ${wanted}; a plan builds models on one gateway only, so models of different gateways are planned separately`,
      });
    }
  }
}

/**
 * SQLMesh's `$root/...` in a SEED path names a file from the project's root; planner keeps
 * seed paths relative to the model file, so it becomes that (`$root/seeds/a.csv` in
 * `models/raw/a.sql` is `../../seeds/a.csv`), and fingerprints as if written so.
 */
function fromProjectRoot(path: string, modelFile: string): string {
  const m = /^\$root[\\/](.*)$/.exec(path);
  if (!m) return path;
  return posix.relative(posix.dirname(modelFile), posix.normalize(m[1]));
}
