import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import { closestNames } from '../util/did-you-mean.js';
import { hashOf } from '../util/hash.js';
import { checkDeclaredColumns, readSeedCsv } from '../util/seed-csv.js';
import { lineColumn } from '../util/text-position.js';
import { checkHeaderColumns } from './check-columns.js';
import type { ExpandedQuery } from './expand-queries.js';
import type { MacroCall, Model, ModelDefinition, QueryShape, TableReference } from './model.js';
import { resolveSeedPath } from './seed-path.js';
import { checkSelfReference, isOwnReference } from './self-reference.js';

/** The enabled models' names, as references resolve against them (a Map of models is one). */
export interface ModelNames {
  has(name: string): boolean;
  keys(): Iterable<string>;
}

/**
 * Each definition as its model, checked: its query's references resolved against the
 * enabled and disabled models, its seed read. Completed in place: a definition is read or
 * parsed for one load alone, and copying every one was the largest cost of a cached load.
 */
export function completeModels(definitions: readonly ModelDefinition[], expanded: ReadonlyMap<ModelDefinition, ExpandedQuery>, enabled: ModelNames, disabled: ReadonlyMap<string, { file: string }>, root: string, variables: Record<string, unknown>): Map<string, Model> {
  const models = new Map<string, Model>();
  for (const def of definitions) {
    const e = def.query ? expanded.get(def)! : undefined;
    models.set(def.name, e ? queryModel(def, e, enabled, disabled) : asModel(def, def.query, [], [], [], [], null, {}));
  }
  completeSeeds(models.values(), root, variables);
  for (const model of models.values()) checkHeaderColumns(model);
  return models;
}

/** Completes each SEED model: its data file resolved, checked and hashed. */
function completeSeeds(models: Iterable<Model>, root: string, variables: Record<string, unknown>): void {
  for (const model of models) {
    const dataFile = kindStrategy(model.kind).dataFile;
    if (dataFile) {
      // The resolved path is part of the kind, so environments reading different files get different tables.
      const written = dataFile.path(model.kind);
      model.kind = dataFile.withPath(model.kind, fromProjectRoot(resolveSeedPath(written, variables, sourceAt(model, model.source.indexOf(written))), model.file));
      const resolved = dataFile.path(model.kind);
      const path = resolve(dirname(join(root, model.file)), resolved);
      if (!existsSync(path)) {
        throw new InputError(`seed file '${resolved}' does not exist (looked for ${relative(root, path)})`, {
          location: sourceAt(model, model.source.indexOf(written)),
          code: 'missing_seed',
        });
      }
      // A malformed CSV is bad input now, at its line, not an engine error at apply time.
      const shown = relative(root, path);
      checkDeclaredColumns(readSeedCsv(path, dataFile.csvSettings?.(model.kind), shown, model.name), model.columns, shown, model.name);
      model.seedHash = hashOf(readFileSync(path, 'utf8'));
    }
  }
}

/**
 * A model with a query, from its definition and its expanded query: its parents (models
 * it reads or depends on), the tables outside the project it reads, its own table read
 * only where checkSelfReference allows it.
 */
function queryModel(def: ModelDefinition, e: ExpandedQuery, enabled: ModelNames, disabled: ReadonlyMap<string, { file: string }>): Model {
  const macros = e.macros;
  // `FROM @this_model` parses as a table; it is a macro, not a dependency.
  const references = macros.length ? e.references.filter((r) => !macros.some((m) => r.start >= m.start && r.start < m.end)) : e.references;
  const queryAt = (offset: number) => sourceAt(def, def.queryOffset + e.expanded.sourceOffset(offset));
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

/** Where `offset` of a model's file is, for an error. */
export function sourceAt(def: Pick<ModelDefinition, 'file' | 'source'>, offset: number) {
  return { file: def.file, ...lineColumn(def.source, Math.max(offset, 0)) };
}

/** A `depends_on` entry: it must name an enabled model other than this one. */
function dependency(def: ModelDefinition, name: string, models: ModelNames, disabled: ReadonlyMap<string, { file: string }>): string {
  const location = sourceAt(def, def.source.search(/\bdepends_on\b/i));
  if (name === def.name) throw new InputError(`model ${def.name} depends on itself`, { location, code: 'cycle' });
  if (disabled.has(name)) throw new InputError(`model ${def.name} depends on ${name}, which is disabled (enabled false)`, { location, code: 'disabled_model' });
  if (!models.has(name)) {
    throw new InputError(`depends_on names '${name}', which is not a model`, { location, code: 'unknown_model', hint: closeModels(name, models.keys()) });
  }
  return name;
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
 * SQLMesh's `$root/...` in a SEED path names a file from the project's root; planner keeps
 * seed paths relative to the model file, so it becomes that (`$root/seeds/a.csv` in
 * `models/raw/a.sql` is `../../seeds/a.csv`), and fingerprints as if written so.
 */
function fromProjectRoot(path: string, modelFile: string): string {
  const m = /^\$root[\\/](.*)$/.exec(path);
  if (!m) return path;
  return posix.relative(posix.dirname(modelFile), posix.normalize(m[1]));
}
