import { InputError } from '../errors.js';
import { lineColumn } from '../util/text-position.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Model } from './model.js';

/**
 * Columns a header names (grain, time_column, unique_key, declared columns) must be
 * columns the model outputs: checked before anything is built, with the header line.
 * Skipped when the output columns cannot be known from the query alone (`SELECT *`).
 */
export function checkHeaderColumns(model: Model): void {
  const known = outputColumnsOf(model);
  if (!known) return;
  const mentions: { property: string; name: string }[] = model.grain.map((name) => ({ property: 'grain', name }));
  mentions.push(...kindStrategy(model.kind).headerColumns(model.kind));
  if (!kindStrategy(model.kind).columnsDeclared) mentions.push(...(model.columns ?? []).map((c) => ({ property: 'columns', name: c.name })));
  for (const { property, name } of mentions) {
    if (!known.includes(name.toLowerCase())) throw unknownColumn(model, property, name, known);
  }
}

/**
 * The model's table's columns: its query's (plus those the kind adds, such as SCD Type
 * 2's valid_from / valid_to), or a SEED's declared ones; null when unknown.
 */
export function outputColumnsOf(model: Pick<Model, 'kind' | 'columns' | 'shape'>): string[] | null {
  if (kindStrategy(model.kind).columnsDeclared) return model.columns?.map((c) => c.name.toLowerCase()) ?? null;
  const managed = (kindStrategy(model.kind).managedColumns?.(model.kind) ?? []).map((c) => c.name);
  return model.shape?.columns ? [...model.shape.columns, ...managed.filter((c) => !model.shape!.columns!.includes(c))] : null;
}

export function unknownColumn(model: Pick<Model, 'name' | 'file' | 'source'>, property: string, name: string, known: string[]): InputError {
  const prop = new RegExp(`\\b${property}\\b`, 'i').exec(model.source)?.index ?? 0;
  const at = model.source.indexOf(name, prop);
  return new InputError(`${property} names column '${name}', which model ${model.name} does not output`, {
    location: { file: model.file, ...lineColumn(model.source, at < 0 ? prop : at) },
    code: 'unknown_column',
    hint: `its columns: ${known.join(', ')}`,
  });
}
