import { InputError } from '../errors.js';
import { validateIdentifier } from '../util/identifiers.js';
import { comparisonFor, normalizeType, type Comparison } from './column-compare.js';
import type { ColumnInfo, DiffSide, SchemaDiff } from './types.js';

/** A column compared on both sides, with how its values are compared. */
export interface ComparedColumn {
  name: string;
  how: Comparison;
}

/** The schema diff plus what the row diff needs from it. */
export interface ComparePlan {
  schema: SchemaDiff;
  keys: ComparedColumn[];
  columns: ComparedColumn[];
  /** Every column of each side that is not skipped, in table order, for sample rows. */
  aColumns: string[];
  bColumns: string[];
}

/**
 * Compares two column lists and decides what the row diff compares. Key and skipped
 * column names come from the user: they are validated and must exist, so a typo is a
 * clear error rather than a silently different diff.
 */
export function planComparison(
  a: DiffSide,
  aColumns: ColumnInfo[],
  b: DiffSide,
  bColumns: ColumnInfo[],
  options: { on: string[]; skipColumns?: string[]; ignoreUnknownSkipColumns?: boolean; decimals: number },
): ComparePlan {
  const inA = new Map(aColumns.map((c) => [c.name, c]));
  const inB = new Map(bColumns.map((c) => [c.name, c]));
  const known = (name: string) => inA.has(name) || inB.has(name);
  const skip = new Set((options.skipColumns ?? []).filter((name) => !options.ignoreUnknownSkipColumns || known(name)));
  if (!options.on.length) throw new InputError('no key columns to join on', { code: 'no_key', hint: 'pass --on COL...' });
  for (const name of skip) {
    validateIdentifier(name, '--skip-columns column');
    if (!known(name)) {
      throw new InputError(`--skip-columns: column '${name}' is in neither ${a.label} nor ${b.label}`, { code: 'unknown_column', hint: columnsHint(aColumns) });
    }
  }
  const keys: ComparedColumn[] = [];
  for (const name of options.on) {
    validateIdentifier(name, 'key column');
    for (const [side, cols, list] of [[a, inA, aColumns], [b, inB, bColumns]] as const) {
      if (!cols.has(name)) {
        throw new InputError(`key column '${name}' is not in ${side.label}'s table`, { code: 'unknown_column', hint: columnsHint(list) });
      }
    }
    if (skip.has(name)) throw new InputError(`key column '${name}' cannot be skipped`, { code: 'invalid_option' });
    if (keys.some((k) => k.name === name)) throw new InputError(`key column '${name}' is given twice`, { code: 'invalid_option' });
    // Keys are joined exactly (never rounded); types that do not compare are joined as text.
    const how = comparisonFor(inA.get(name)!.type, inB.get(name)!.type, options.decimals) === 'text' ? 'text' : 'plain';
    keys.push({ name, how });
  }

  const keyNames = new Set(options.on);
  const schema: SchemaDiff = { added: [], removed: [], typeChanged: [], compared: [], skipped: [...skip] };
  const columns: ComparedColumn[] = [];
  for (const col of aColumns) {
    const other = inB.get(col.name);
    if (!other) {
      schema.added.push(col);
      continue;
    }
    if (normalizeType(col.type) !== normalizeType(other.type)) schema.typeChanged.push({ name: col.name, a: col.type, b: other.type });
    if (keyNames.has(col.name) || skip.has(col.name)) continue;
    schema.compared.push(col.name);
    columns.push({ name: col.name, how: comparisonFor(col.type, other.type, options.decimals) });
  }
  schema.removed = bColumns.filter((c) => !inA.has(c.name));
  const kept = (cols: ColumnInfo[]) => cols.map((c) => c.name).filter((n) => !skip.has(n));
  return { schema, keys, columns, aColumns: kept(aColumns), bColumns: kept(bColumns) };
}

function columnsHint(columns: ColumnInfo[]): string {
  return `columns: ${columns.map((c) => c.name).join(', ')}`;
}
