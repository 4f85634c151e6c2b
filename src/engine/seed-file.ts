import { InputError } from '../errors.js';
import type { CsvField, CsvSettings } from '../util/csv.js';
import { MAX_IDENTIFIER_BYTES, quoteIdent, quoteTable, validateIdentifier, type TableName } from '../util/identifiers.js';
import { checkDeclaredColumns, readSeedCsv } from '../util/seed-csv.js';
import { validateColumnType } from '../util/column-types.js';

/** A seed CSV ready to load: column names and types, and the data rows as text. */
export interface SeedData {
  columns: { name: string; type: string }[];
  rows: CsvField[][];
}

/**
 * Reads a seed CSV for an engine that loads rows itself (PostgreSQL: COPY from a server
 * file needs superuser rights; DuckDB when csv_settings are given). The first line names
 * the columns; types come from the model's `columns` (matched by position, as DuckDB's
 * COPY does) or are inferred.
 */
export function readSeedFile(file: string, declared?: { name: string; type: string }[], settings?: CsvSettings): SeedData {
  const { header, rows } = readSeedCsv(file, settings);
  if (declared?.length) {
    checkDeclaredColumns({ header, rows }, declared, file);
    return {
      columns: declared.map((c) => ({ name: validateIdentifier(c.name, 'column'), type: validateColumnType(c.type, c.name) })),
      rows,
    };
  }
  const seen = new Set<string>();
  const columns = header.map((name, i) => {
    // Header names are used as written (always quoted), so a mixed-case or spaced name is
    // created exactly; only names PostgreSQL would truncate or cannot hold are refused.
    if (!name || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES || name.includes('\0') || seen.has(name)) {
      throw new InputError(`column ${i + 1} of the header ${!name ? 'has no name' : seen.has(name) ? `repeats '${name}'` : `'${name}' is not a usable column name (at most ${MAX_IDENTIFIER_BYTES} bytes)`}`, {
        location: { file, line: 1 },
        code: 'invalid_seed',
      });
    }
    seen.add(name);
    return { name, type: inferType(rows.map((r) => r[i])) };
  });
  return { columns, rows };
}

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const BOOLEAN = /^(true|false)$/i;

/** The narrowest simple PostgreSQL type every non-null value fits: integer, bigint, numeric, date, timestamp, boolean, text. */
export function inferType(values: readonly CsvField[]): string {
  const present = values.filter((v): v is string => v !== null);
  if (!present.length) return 'text';
  const all = (re: RegExp) => present.every((v) => re.test(v));
  if (all(INTEGER)) {
    const fits = (limit: bigint) => present.every((v) => BigInt(v) >= -limit && BigInt(v) < limit);
    return fits(2n ** 31n) ? 'integer' : fits(2n ** 63n) ? 'bigint' : 'numeric';
  }
  if (all(DECIMAL)) return 'numeric';
  if (all(DATE) && present.every((v) => !Number.isNaN(Date.parse(v)))) return 'date';
  if (all(TIMESTAMP)) return 'timestamp';
  if (all(BOOLEAN)) return 'boolean';
  return 'text';
}

/** Parameters per INSERT statement (PostgreSQL allows 65,535). */
const PARAMS_PER_INSERT = 30_000;

/**
 * Inserts a seed's rows into its new table with batched, parameterized INSERTs; values
 * arrive as text and the engine casts them to the column types.
 */
export async function insertSeedRows(query: (sql: string, params: unknown[]) => Promise<unknown>, table: TableName, seed: SeedData): Promise<void> {
  const width = seed.columns.length;
  const perInsert = Math.max(1, Math.floor(PARAMS_PER_INSERT / width));
  const into = `INSERT INTO ${quoteTable(table)} (${seed.columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES `;
  for (let i = 0; i < seed.rows.length; i += perInsert) {
    const batch = seed.rows.slice(i, i + perInsert);
    const tuples = batch.map((_, r) => `(${seed.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
    await query(into + tuples.join(', '), batch.flat());
  }
}

/** `CREATE TABLE` column definitions for a seed (names and types already checked). */
export function seedColumnDefs(seed: SeedData): string {
  return seed.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
}
