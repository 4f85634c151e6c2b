import { InputError, type SourceLocation } from '../errors.js';
import { kindNames, kindStrategy } from '../kinds/registry.js';
import { lineColumn } from '../util/text-position.js';
import type { Model, TableReference } from './model.js';

type QueryParts = Pick<Model, 'name' | 'references' | 'macros'>;

/** Whether `ref` names the model itself (`FROM analytics.events` inside analytics.events). */
export function isOwnReference(model: Pick<Model, 'name'>, ref: TableReference): boolean {
  return `${ref.schema}.${ref.table}`.toLowerCase() === model.name.toLowerCase();
}

/** Whether a model's query reads its own table: by its name, or through `@this_model`. */
export function readsItself(model: QueryParts): boolean {
  return model.references.some((r) => isOwnReference(model, r)) || model.macros.some((m) => m.name === 'this_model');
}

/**
 * SQLMesh lets an incremental model read its own earlier rows (by its name or
 * `@this_model`): the current version's table, never a parent, so no DAG cycle. Here the
 * table is created before the first batch from the declared `columns` (the query cannot
 * be described while the table it reads is missing), and every output column must be
 * declared, or the inserts would drop it. Without `columns`, a query whose every output
 * column is an explicit CAST gives them (set on the model here, so they enter the data
 * hash as declared ones would). Bad input fails at the first self-reference.
 */
export function checkSelfReference(model: Model, queryAt: (offset: number) => SourceLocation): void {
  if (!readsItself(model)) return;
  const own = model.references.find((r) => isOwnReference(model, r));
  const offset = own?.start ?? model.macros.find((m) => m.name === 'this_model')!.start;
  const location = queryAt(offset);
  const how = own ? `by its name ${model.name}` : 'through @this_model';
  if (!kindStrategy(model.kind).readsItself) {
    const allowed = kindNames().filter((n) => kindStrategy(n).readsItself);
    throw new InputError(
      `model ${model.name} reads its own table (${how}), which a ${model.kind.name} model cannot: only ${allowed.join(', ')} models keep rows from earlier runs to read`,
      { location, code: 'self_reference', hint: 'read the rows from the parents instead, or make the model incremental' },
    );
  }
  if (!model.columns?.length) {
    // As SQLMesh does, a query that casts every output column says its columns' types itself.
    const { columns, castTypes } = model.shape ?? {};
    if (columns && castTypes?.length === columns.length) {
      model.columns = columns.map((name, i) => ({ name, type: castTypes[i] }));
      return;
    }
    throw new InputError(`model ${model.name} reads its own table (${how}), so its table is created before the first batch from its declared columns: add columns (name TYPE, ...) to MODEL (...)`, {
      location,
      code: 'self_reference',
      hint: "SQLMesh asks the same of a self-referencing model (its 'columns' attribute), or infers them when the query casts every output column: CAST(x AS INTEGER) AS x",
    });
  }
  const declared = new Set(model.columns.map((c) => c.name.toLowerCase()));
  const missing = (model.shape?.columns ?? []).filter((c) => !declared.has(c));
  if (missing.length) {
    throw new InputError(`model ${model.name} reads its own table, so columns (...) must declare every column its query outputs; missing: ${missing.join(', ')}`, {
      location: { file: model.file, ...lineColumn(model.source, Math.max(model.source.search(/\bcolumns\b/i), 0)) },
      code: 'self_reference',
    });
  }
}
