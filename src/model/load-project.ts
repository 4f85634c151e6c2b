import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize, relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { topologicalOrder } from '../util/dag.js';
import { suggestion } from '../util/did-you-mean.js';
import type { Model, ModelDefinition } from './model.js';
import { loadExternalModels, type ExternalModel } from './external-models.js';
import { AnalysisCache } from './analysis-cache.js';
import { expandAndParse, type ExpandedQuery } from './expand-queries.js';
import { loadJinjaMacros } from '../macros/jinja-macros.js';
import { cacheContext, ModelCache, type CachedExpansion } from './model-cache.js';
import { projectBase, projectCacheWriter, projectKey, readPriorProject, readProjectCache, readProjectCacheFile, type PriorProject, type ProjectFingerprints, type SourceFile } from './project-cache.js';
import { projectMacroTable } from '../macros/project-macros.js';
import type { MacroValue } from '../macros/values.js';
import { readFileModels } from './blueprints.js';
import { completeModels, sourceAt, type ModelNames } from './complete-models.js';
import { warmSqlParser } from './sql-parser.js';
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

/** What a load read before it knew whether the project cache holds the whole project. */
interface LoadInputs {
  root: string;
  files: SourceFile[];
  macroTable: Awaited<ReturnType<typeof projectMacroTable>>;
  context: string | undefined;
  wholeKey: string | undefined;
  entry: ReturnType<typeof readProjectCacheFile>;
}

async function loadFrom(config: ResolvedConfig, variables: Record<string, unknown>, analysesDir: string | undefined, modelsDir: string | undefined, served: { hits: number }): Promise<Project> {
  const root = config.projectDir;
  const files = readModelFiles(root);
  const macroTable = await projectMacroTable(root);
  const context = modelsDir === undefined ? undefined : cacheContext({ projectDir: root, modelDefaults: config.modelDefaults, variables, defaultGateway: config.defaultGateway, macros: macroTable });
  const wholeKey = modelsDir === undefined || context === undefined ? undefined : projectKey(context, Object.keys(config.gateways), files);
  const entry = wholeKey === undefined ? undefined : readProjectCacheFile(modelsDir!);
  const whole = wholeKey === undefined ? undefined : readProjectCache(entry, wholeKey, files, root);
  if (whole) {
    served.hits++;
    return { ...whole, externals: loadExternalModels(root) };
  }
  // Something will likely be parsed: DuckDB's parser opens its database meanwhile, on its own thread.
  const unwarm = warmSqlParser(config.modelDefaults.dialect);
  try {
    return await loadParsing(config, variables, analysesDir, modelsDir, served, { root, files, macroTable, context, wholeKey, entry });
  } finally {
    unwarm();
  }
}

/** A load that parses: of the files edited since the project cache's entry, or of every file. */
async function loadParsing(config: ResolvedConfig, variables: Record<string, unknown>, analysesDir: string | undefined, modelsDir: string | undefined, served: { hits: number }, read: LoadInputs): Promise<Project> {
  const { root, files, macroTable, context, wholeKey, entry } = read;
  const base = wholeKey === undefined ? undefined : projectBase(context!, Object.keys(config.gateways));
  // Files edited since the entry was written: only they are loaded (an error reloads without any cache).
  const prior = base === undefined ? undefined : readPriorProject(entry, base, files, root);
  if (prior && prior.changed.length <= Math.max(64, files.length / 10)) {
    served.hits++;
    const edited = await loadEdited(config, variables, files, macroTable, prior);
    if (edited) {
      const { project, disabled } = edited;
      Object.defineProperty(project, 'fingerprinted', { value: projectCacheWriter(modelsDir!, wholeKey!, base!, project, { files, disabled, hashOf: prior.hashOf, patchOf: prior.patchOf, readFrom: prior.readFrom }) });
      return project;
    }
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
        throw new InputError(`model ${def.name} is defined twice (also in ${existing.file})`, { location: sourceAt(def, def.source.indexOf(def.name)) });
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

  const models = completeModels(definitions, expanded, new Map(definitions.map((def) => [def.name, def])), disabled, root, variables);
  const order = dagOrder(models);
  const project: Project = { models, order, externals: externalModels };
  if (wholeKey !== undefined && allCacheable) {
    const writer = projectCacheWriter(modelsDir!, wholeKey, base!, project, { files, disabled: [...disabled].map(([name, def]) => [name, def.file]) });
    Object.defineProperty(project, 'fingerprinted', { value: writer });
  }
  return project;
}

/**
 * A load of the files edited since the project cache's entry was written (prior), the
 * other files' models coming from it as they were: a model follows from its file and the
 * entry's base inputs alone, once the project holds the same model names, enabled or not
 * (then every reference resolves as before). Undefined, for a full load, when the edited
 * files yield other names or a model that cannot be cached (it reads another relation's
 * columns or calls a TypeScript macro). Nothing is parsed through the analysis cache's
 * file, nor written to the model cache: rewriting either for one file cost more than
 * parsing it.
 */
async function loadEdited(config: ResolvedConfig, variables: Record<string, unknown>, files: readonly SourceFile[], macroTable: Awaited<ReturnType<typeof projectMacroTable>>, prior: PriorProject): Promise<{ project: Project; disabled: [string, string][] } | undefined> {
  const root = config.projectDir;
  const definitions: ModelDefinition[] = [];
  const byName = new Map<string, ModelDefinition>();
  const blueprints = new Map<ModelDefinition, Record<string, MacroValue>>();
  const yielded = new Map<string, boolean>();
  const disabled = new Map<string, { file: string }>([...prior.disabled].map(([name, file]) => [name, { file }]));
  const fresh: ModelDefinition[][] = [];
  for (const at of prior.changed) {
    const { file, source } = files[at];
    const own: ModelDefinition[] = [];
    for (const { def, blueprint } of readFileModels(source, file, config.modelDefaults, { table: macroTable, variables })) {
      if (yielded.has(def.name)) return undefined;
      yielded.set(def.name, def.enabled);
      byName.set(def.name, def);
      if (blueprint) blueprints.set(def, blueprint);
      if (def.enabled) {
        definitions.push(def);
        own.push(def);
      } else disabled.set(def.name, def);
    }
    fresh[at] = own;
  }
  if (yielded.size !== prior.replaced.size) return undefined;
  for (const [name, enabled] of yielded) if (prior.replaced.get(name) !== enabled) return undefined;
  checkModelProperties(definitions, config);
  const externalModels = loadExternalModels(root);
  const analyses = AnalysisCache.open(undefined);
  const expanded = await expandAndParse(definitions.filter((d) => d.query), byName, config, variables, {
    macros: macroTable,
    blueprints,
    jinjaMacros: loadJinjaMacros(root),
    analyze: (dialects, templates) => analyses.analyze(dialects, templates),
    externalColumns: (name) => externalModels.get(name)?.find((e) => e.columns?.length)?.columns,
  });
  if ([...expanded.values()].some((e) => !e.cacheable)) return undefined;
  // The kept models' names are the entry's: no map of them all for the few references an edit resolves.
  const edited = new Set(definitions.map((d) => d.name));
  const enabled: ModelNames = { has: (name) => edited.has(name) || prior.keeps(name), keys: () => [...prior.keptNames(), ...edited] };
  const made = completeModels(definitions, expanded, enabled, disabled, root, variables);
  // In the order a full load gives: by file, then as each file defines them.
  const models = new Map<string, Model>();
  for (let f = 0; f < files.length; f++) {
    for (const m of prior.kept[f] ?? []) models.set(m.name, m);
    for (const def of fresh[f] ?? []) models.set(def.name, made.get(def.name)!);
  }
  // The same names with the same parents give the same DAG order.
  const sameParents = [...made.values()].every((m) => sameList(m.parents, prior.parents.get(m.name)));
  const order = sameParents ? prior.order : dagOrder(models);
  const project: Project = { models, order, externals: externalModels };
  return { project, disabled: [...disabled].map(([name, { file }]) => [name, file]) };
}

function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The models' DAG order (parents first, names sorted); a cycle is bad input. */
function dagOrder(models: ReadonlyMap<string, Model>): string[] {
  const names = [...models.keys()].sort();
  const result = topologicalOrder(names, (n) => models.get(n)!.parents);
  if ('cycle' in result) {
    const first = models.get(result.cycle[0])!;
    const ref = first.references.find((r) => `${r.schema}.${r.table}`.toLowerCase() === result.cycle[1]);
    throw new InputError(`models form a cycle: ${result.cycle.join(' -> ')} (each reads from the next)`, {
      location: sourceAt(first, first.queryOffset + (ref?.start ?? 0)),
      code: 'cycle',
    });
  }
  return result.order;
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

/** Checks properties that name things in the config: a model's gateway must be one of the project's. */
function checkModelProperties(definitions: readonly ModelDefinition[], config: ResolvedConfig): void {
  const gateways = Object.keys(config.gateways);
  for (const def of definitions) {
    const gateway = def.properties?.gateway;
    if (gateway && !gateways.includes(gateway)) {
      throw new InputError(`gateway '${gateway}' is not one of the project's gateways`, {
        location: sourceAt(def, def.source.search(/\bgateway\b/i)),
        code: 'unknown_gateway',
        hint: suggestion(gateway, gateways),
      });
    }
  }
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
        location: sourceAt(model, model.source.search(/\bgateway\b/i)),
        code: 'gateway_mismatch',
        hint: `plan with --gateway ${wanted}; a plan builds models on one gateway only, so models of different gateways are planned separately`,
      });
    }
  }
}
