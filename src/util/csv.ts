/** A field of a CSV row: text, or null for an empty unquoted field (as DuckDB reads it). */
export type CsvField = string | null;

/** Thrown for malformed CSV; `line` is 1-based. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * SQLMesh's `csv_settings` for a SEED (pandas' read_csv options), as planner reads them:
 * one-character delimiter, quote, escape and line terminator; `naValues` are read as NULL
 * besides the empty unquoted field (`keepDefaultNa false`: only `naValues`).
 */
export interface CsvSettings {
  delimiter?: string;
  quotechar?: string;
  doublequote?: boolean;
  escapechar?: string;
  skipinitialspace?: boolean;
  lineterminator?: string;
  encoding?: string;
  naValues?: string[];
  keepDefaultNa?: boolean;
}

/**
 * Parses CSV, RFC 4180 by default: comma-separated, fields optionally in double quotes with
 * `""` for a quote, quoted fields may hold delimiters and line breaks; CRLF or LF line
 * ends; a leading byte order mark and blank trailing lines are ignored. `settings` change
 * the delimiter, quote, escape and line terminator as SQLMesh's csv_settings do.
 * @example parseCsv('a,b\n1,"x, y"\n') // [['a','b'], ['1','x, y']]
 */
export function parseCsv(text: string, settings: CsvSettings = {}): CsvField[][] {
  return parseCsvLines(text, settings).rows;
}

/** Like parseCsv, with the 1-based line each row starts on (`lines[i]` for `rows[i]`). */
export function parseCsvLines(text: string, settings: CsvSettings = {}): { rows: CsvField[][]; lines: number[] } {
  const delimiter = settings.delimiter ?? ',';
  const quote = settings.quotechar ?? '"';
  const doubled = settings.doublequote ?? true;
  const escape = settings.escapechar;
  const na = new Set(settings.naValues ?? []);
  const emptyIsNull = settings.keepDefaultNa ?? true;
  // Characters that end a row here: 1 or 2 (CRLF), 0 when `i` is not at a row's end.
  const rowEnd = (i: number): number => {
    if (settings.lineterminator) return text[i] === settings.lineterminator ? 1 : 0;
    return text[i] === '\n' ? 1 : text[i] === '\r' && text[i + 1] === '\n' ? 2 : 0;
  };
  const rows: CsvField[][] = [];
  const lines: number[] = [];
  let rowStart = 1;
  let row: CsvField[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    row.push(na.has(field) || (!quoted && field === '' && emptyIsNull) ? null : field);
    field = '';
    quoted = false;
    atStart = true;
  };
  const endRow = () => {
    const blank = !row.length && field === '' && !quoted;
    endField();
    if (!blank) {
      rows.push(row);
      lines.push(rowStart);
    }
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (atStart && settings.skipinitialspace && c === ' ') {
      i++;
      continue;
    }
    if (c === quote && atStart) {
      const start = line;
      quoted = true;
      atStart = false;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError('a quoted field is not closed', start);
        const q = text[i];
        if (escape !== undefined && q === escape && i + 1 < text.length) {
          field += text[i + 1];
          i += 2;
          continue;
        }
        if (q === quote) {
          if (doubled && text[i + 1] === quote) {
            field += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      if (i < text.length && text[i] !== delimiter && !rowEnd(i)) throw new CsvError('unexpected text after a closing quote', line);
      continue;
    }
    const end = rowEnd(i);
    if (c === delimiter) {
      endField();
      i++;
    } else if (end) {
      endRow();
      line++;
      rowStart = line;
      i += end;
    } else {
      if (quoted) throw new CsvError('unexpected text after a closing quote', line);
      if (escape !== undefined && c === escape && i + 1 < text.length) {
        field += text[i + 1];
        i += 2;
      } else {
        field += c;
        i++;
      }
      atStart = false;
    }
  }
  if (field !== '' || quoted || row.length) endRow();
  return { rows, lines };
}
