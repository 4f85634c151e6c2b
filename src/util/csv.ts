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
 * Parses RFC 4180 CSV: comma-separated, fields optionally in double quotes with `""` for a
 * quote, quoted fields may hold commas and line breaks; CRLF or LF line ends; a leading
 * byte order mark and blank trailing lines are ignored.
 * @example parseCsv('a,b\n1,"x, y"\n') // [['a','b'], ['1','x, y']]
 */
export function parseCsv(text: string): CsvField[][] {
  const rows: CsvField[][] = [];
  let row: CsvField[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    row.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === null)) rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '' && !quoted) {
      const start = line;
      quoted = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError('a quoted field is not closed', start);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
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
      if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        throw new CsvError('unexpected text after a closing quote', line);
      }
      continue;
    }
    if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      line++;
      i += 2;
    } else if (c === '\n') {
      endRow();
      line++;
      i++;
    } else {
      if (quoted) throw new CsvError('unexpected text after a closing quote', line);
      field += c;
      i++;
    }
  }
  if (field !== '' || quoted || row.length) endRow();
  return rows;
}
