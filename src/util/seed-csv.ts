import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { CsvError, parseCsvLines, type CsvField, type CsvSettings } from './csv.js';

/** A seed CSV's header and data rows, every row as wide as the header. */
export interface SeedCsv {
  header: CsvField[];
  rows: CsvField[][];
}

/**
 * Reads and checks a seed's CSV with its csv_settings: unreadable text, bad quoting, an
 * empty file and a row whose field count differs from the header's are bad input at the
 * file's line. `shown` is the path in messages (relative to the project) and `model`
 * names the seed model there.
 * @example readSeedCsv('/p/seeds/a.csv', { delimiter: '|' }, 'seeds/a.csv', 'raw.a')
 */
export function readSeedCsv(file: string, settings: CsvSettings | undefined, shown = file, model?: string): SeedCsv {
  const prefix = model ? `seed ${model}: ` : '';
  const fail = (message: string, line?: number): never => {
    throw new InputError(`${prefix}${message}`, { location: { file: shown, line }, code: 'invalid_seed' });
  };
  let parsed: { rows: CsvField[][]; lines: number[] } = { rows: [], lines: [] };
  try {
    const bytes = readFileSync(file);
    parsed = parseCsvLines(new TextDecoder(settings?.encoding ?? 'utf-8', { fatal: true }).decode(bytes), settings);
  } catch (err) {
    if (err instanceof CsvError) fail(`seed file is not valid CSV: ${err.message}`, err.line);
    if (err instanceof TypeError) fail(`seed file is not valid ${settings?.encoding ?? 'utf-8'} text (set csv_settings (encoding = '...'))`);
    fail(`cannot read seed file: ${(err as Error).message}`);
  }
  const [header, ...rows] = parsed.rows;
  if (!header) fail('seed file is empty: the first line must name the columns', 1);
  rows.forEach((r, i) => {
    if (r.length !== header.length) fail(`row has ${r.length} fields, the header names ${header.length}`, parsed.lines[i + 1]);
  });
  return { header, rows };
}

/** A declared column list must match the file's columns one to one (they are matched by position). */
export function checkDeclaredColumns(csv: SeedCsv, declared: readonly { name: string }[] | undefined, shown: string, model?: string): void {
  if (!declared?.length || declared.length === csv.header.length) return;
  throw new InputError(`${model ? `seed ${model}: ` : ''}the model declares ${declared.length} columns, the seed file has ${csv.header.length}`, {
    location: { file: shown, line: 1 },
    code: 'invalid_seed',
  });
}
