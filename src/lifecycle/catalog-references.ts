import type { CatalogObject } from '../engine/engine-adapter.js';
import type { TableName } from '../util/identifiers.js';

/** `schema.table` as a map key; names are validated identifiers, so the dot is unambiguous. */
export const tableKey = (t: TableName) => `${t.schema}.${t.table}`;

/** A view definition with identifier quotes removed and lowercased, for name matching. */
function normalize(definition: string): string {
  return definition.replace(/"/g, '').toLowerCase();
}

/**
 * Which object a view's definition reads: true when it names `schema.table` exactly
 * (as a whole qualified name, quoted or not).
 */
export function readsTable(definition: string, table: TableName): boolean {
  const escaped = tableKey(table).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.])${escaped}(?![\\w])`).test(normalize(definition));
}

/** The planner physical tables a view definition names (`planner__...`), for messages. */
export function physicalTablesRead(definition: string): string[] {
  return [...new Set(normalize(definition).match(/(?<![\w.])planner__\w+\.\w+/g) ?? [])];
}

/**
 * An index from every word of the catalog's view definitions to the views using it.
 * Physical table names carry a version hash, so finding a table's name among a view's
 * words means the view may read it: a false match only keeps a table, never drops one.
 */
export class ViewReaders {
  private readonly byWord = new Map<string, string[]>();

  constructor(objects: readonly CatalogObject[]) {
    for (const o of objects) {
      if (o.type !== 'view' || !o.definition) continue;
      const self = tableKey(o.name);
      for (const word of new Set(normalize(o.definition).match(/\w+/g) ?? [])) {
        if (!word.includes('__')) continue;
        const list = this.byWord.get(word);
        if (list) list.push(self);
        else this.byWord.set(word, [self]);
      }
    }
  }

  /** Views (as `schema.table`) whose definition mentions `table`'s name, other than `table` itself. */
  readersOf(table: TableName): string[] {
    const self = tableKey(table);
    return (this.byWord.get(table.table.toLowerCase()) ?? []).filter((v) => v !== self);
  }
}
