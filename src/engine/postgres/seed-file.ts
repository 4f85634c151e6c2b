import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { CsvError, parseCsv, type CsvField } from '../../util/csv.js';
import { MAX_IDENTIFIER_BYTES, validateIdentifier } from '../../util/identifiers.js';
import { validateColumnType } from '../../util/column-types.js';

/** A seed CSV ready to load: column names and types, and the data rows as text. */
export interface SeedData {
  columns: { name: string; type: string }[];
  rows: CsvField[][];
}

/**
 * Reads a seed CSV for an engine that loads rows itself (PostgreSQL: COPY from a server
 * file needs superuser rights). The first line names the columns; types come from the
 * model's `columns` (matched by position, as DuckDB's COPY does) or are inferred.
 */
export function readSeedFile(file: string, declared?: { name: string; type: string }[]): SeedData {
  let parsed: CsvField[][];
  try {
    parsed = parseCsv(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof CsvError) throw new InputError(`seed file is not valid CSV: ${err.message}`, { location: { file, line: err.line }, code: 'invalid_seed' });
    throw new InputError(`cannot read seed file: ${(err as Error).message}`, { location: { file }, code: 'invalid_seed' });
  }
  const [header, ...rows] = parsed;
  if (!header) throw new InputError('seed file is empty: the first line must name the columns', { location: { file, line: 1 }, code: 'invalid_seed' });
  rows.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new InputError(`row has ${r.length} fields, the header names ${header.length}`, { location: { file, line: i + 2 }, code: 'invalid_seed' });
    }
  });
  if (declared?.length) {
    if (declared.length !== header.length) {
      throw new InputError(`the model declares ${declared.length} columns, the seed file has ${header.length}`, { location: { file, line: 1 }, code: 'invalid_seed' });
    }
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
