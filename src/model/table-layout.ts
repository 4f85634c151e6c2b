import type { Dialect } from '../config/types.js';
import type { TableLayout } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import { isValidIdentifier } from '../util/identifiers.js';
import { postgresStorageParameter, type StorageParameter } from '../util/storage-parameters.js';
import { lineColumn } from '../util/text-position.js';
import { outputColumnsOf, unknownColumn } from './check-columns.js';
import type { Model } from './model.js';

/** What `partitioned_by` and `physical_properties` do to a model's table on one engine. */
export interface LayoutOutcome {
  /** The layout the table is created with; undefined: a plain table. */
  layout?: TableLayout;
  /** What is applied, for `planner info` (`partitioned_by: PARTITION BY RANGE (ds) ...`). */
  applied: string[];
  /** The properties set but not applied, and why. */
  ignored: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What the layout is read from: a loaded model, or the one a snapshot keeps. */
type LayoutModel = Pick<Model, 'name' | 'file' | 'source' | 'kind' | 'properties' | 'columns' | 'shape'>;

/**
 * The table layout of `model` on an engine of `dialect`: on PostgreSQL `partitioned_by`
 * becomes declarative partitioning (RANGE, with a DEFAULT partition) and
 * `physical_properties` table storage parameters; DuckDB has neither, so they are ignored
 * (and `planner info` says so). Bad input is exit 2 at the header: a partition column the
 * query does not output (every engine), an expression or an unknown storage parameter
 * (PostgreSQL, where they would reach DDL).
 * @example tableLayout(model, 'postgres').layout // { partitionBy: ['ds'], storage: [{ name: 'fillfactor', value: '70' }] }
 */
export function tableLayout(model: LayoutModel, dialect: Dialect): LayoutOutcome {
  const written = model.properties?.partitionedBy ?? [];
  const physical = Object.entries(model.properties?.physicalProperties ?? {});
  const set = [...(written.length ? ['partitioned_by'] : []), ...(physical.length ? ['physical_properties'] : [])];
  if (!set.length) return { applied: [], ignored: [] };
  const strategy = kindStrategy(model.kind);
  if (strategy.physical !== 'table') return { applied: [], ignored: [`${set.join(', ')} (a ${model.kind.name} model has no table)`] };
  const columns = partitionColumns(model, written, dialect === 'postgres');
  if (dialect !== 'postgres') return { applied: [], ignored: [`${set.join(', ')} (DuckDB has no declarative partitioning or table storage parameters: the table is built without them)`] };
  const partitionBy = columns.length ? (strategy.partitionKey?.(model.kind, columns) ?? columns) : [];
  const storage = physical.map(([name, value]) => storageParameter(model, name, value));
  const settings = storage.map((p) => `${p.name} = ${p.value}`).join(', ');
  const applied = [
    ...(partitionBy.length ? [`partitioned_by: PARTITION BY RANGE (${partitionBy.join(', ')}) with a DEFAULT partition`] : []),
    ...(storage.length ? [`physical_properties: WITH (${settings})${partitionBy.length ? ' on the DEFAULT partition' : ''}`] : []),
  ];
  return { layout: { partitionBy, storage }, applied, ignored: [] };
}

/** Refuses bad `partitioned_by` / `physical_properties` of any model before a plan is made. */
export function assertTableLayouts(models: Iterable<LayoutModel>, dialect: Dialect): void {
  for (const m of models) tableLayout(m, dialect);
}

/**
 * The partition columns, lowercased. A name must be a column the model outputs (when its
 * columns are known); an expression is refused only where it would reach DDL.
 */
function partitionColumns(model: LayoutModel, written: readonly string[], strict: boolean): string[] {
  const known = outputColumnsOf(model);
  const out: string[] = [];
  for (const item of written) {
    const name = item.trim().toLowerCase();
    if (!NAME.test(name) || !isValidIdentifier(name)) {
      if (!strict) continue;
      throw new InputError(`partitioned_by '${item.trim()}' is not a column name: on PostgreSQL a table is partitioned by columns the model outputs`, {
        location: at(model, 'partitioned_by', item.trim()),
        code: 'invalid_partition',
        hint: 'compute the expression as a column of the query and partition by that column',
      });
    }
    if (known && !known.includes(name)) throw unknownColumn(model, 'partitioned_by', name, known);
    out.push(name);
  }
  return out;
}

function storageParameter(model: LayoutModel, name: string, value: string): StorageParameter {
  const checked = postgresStorageParameter(name, value);
  if ('error' in checked) {
    throw new InputError(`model ${model.name}: ${checked.error}`, { location: at(model, 'physical_properties', name), code: 'invalid_property' });
  }
  return checked;
}

/** Where `text` is written after `property` in the model's header. */
function at(model: LayoutModel, property: string, text: string) {
  const prop = new RegExp(`\\b${property}\\b`, 'i').exec(model.source)?.index ?? 0;
  const found = model.source.toLowerCase().indexOf(text.toLowerCase(), prop);
  return { file: model.file, ...lineColumn(model.source, found < 0 ? prop : found) };
}
