import { InputError } from '../errors.js';
import { lineColumn } from '../util/text-position.js';
import { externalFor } from './external-models.js';
import { closeModels } from './complete-models.js';
import type { Project } from './load-project.js';
import type { Model, TableReference } from './model.js';
import { outputColumnsOf } from './check-columns.js';

/** Schemas of the engines' own catalogs: always there, never declared. */
const SYSTEM_SCHEMAS = new Set(['information_schema', 'pg_catalog']);

/** A reference of a model's query to a table that is neither a model nor declared in external_models.yaml. */
export interface UndeclaredReference {
  /** `schema.table` lowercase, or the bare table name when the query does not qualify it. */
  name: string;
  model: Model;
  ref: TableReference;
}

/** Every reference to a table the project neither builds nor declares, first occurrence per name and model. */
export function undeclaredReferences(project: Project, gateway: string | undefined): UndeclaredReference[] {
  const out: UndeclaredReference[] = [];
  for (const name of project.order) {
    const model = project.models.get(name)!;
    // The load resolved every other reference to a model of this project (its parents, or itself).
    if (!model.externals.length) continue;
    const seen = new Set<string>();
    for (const ref of model.references) {
      const key = (ref.schema ? `${ref.schema}.${ref.table}` : ref.table).toLowerCase();
      if (seen.has(key) || project.models.has(key) || SYSTEM_SCHEMAS.has(ref.schema.toLowerCase())) continue;
      seen.add(key);
      if (project.externals && externalFor(project.externals, key, gateway)) continue;
      out.push({ name: key, model, ref });
    }
  }
  return out;
}

/** The schemas to list to find `refs` in the catalog; undefined (all schemas) when a reference is unqualified. */
export function schemasToList(refs: readonly UndeclaredReference[]): string[] | undefined {
  if (refs.some((r) => !r.name.includes('.'))) return undefined;
  return [...new Set(refs.map((r) => r.name.split('.')[0]))].sort();
}

/**
 * Refuses the first reference that is not in the warehouse's catalog either (`present`
 * holds `schema.table` of every table and view listed): it would fail at apply time with
 * the engine's message, so it fails now, at the reference, naming a model it may mean.
 */
export function assertReferencesExist(project: Project, refs: readonly UndeclaredReference[], present: ReadonlySet<string>): void {
  const tables = new Set([...present].map((p) => p.split('.')[1]));
  for (const r of refs) {
    const found = r.name.includes('.') ? present.has(r.name) : tables.has(r.name);
    if (found) continue;
    const close = closeModels(r.name, project.models.keys());
    throw new InputError(`${r.model.name} reads ${r.name}, which is not a model, not declared in external_models.yaml, and not in the warehouse`, {
      location: { file: r.model.file, ...lineColumn(r.model.source, r.model.queryOffset + r.ref.start) },
      code: 'unknown_table',
      hint: close ?? 'declare it in external_models.yaml (`planner create-external-models` writes it from the warehouse), or create it first',
    });
  }
}

/**
 * The columns known for what `name` refers to without a database: a model's declared or
 * query output columns, or a declared external model's; undefined when unknown.
 * @example knownColumns(project, 'raw.orders', 'local') // [{ name: 'id', type: 'INT' }, ...]
 */
export function knownColumns(project: Project, name: string, gateway?: string): { name: string; type?: string }[] | undefined {
  const key = name.toLowerCase();
  const model = project.models.get(key);
  if (model) {
    if (model.columns?.length) return model.columns;
    const names = outputColumnsOf(model);
    return names?.map((n) => ({ name: n }));
  }
  return project.externals ? externalFor(project.externals, key, gateway)?.columns : undefined;
}
