import type { CsvSettings } from '../util/csv.js';
import type { KindArgs } from './kind-strategy.js';

/** SQLMesh's csv_settings keys (pandas' read_csv options it passes on). */
const KEYS = ['delimiter', 'quotechar', 'doublequote', 'escapechar', 'skipinitialspace', 'lineterminator', 'encoding', 'na_values', 'keep_default_na'];

/** `'\t'` and the like as SQLMesh projects write them (pandas reads a one-character escape). */
const ESCAPES: Record<string, string> = { '\\t': '\t', '\\n': '\n', '\\r': '\r' };

/**
 * A SEED's `csv_settings (delimiter = '|', ...)`, checked: one-character delimiter,
 * quote, escape and line terminator (pandas' regex delimiters are refused by name), an
 * encoding Node can decode, `na_values` as a list. Unknown keys are refused with the known ones.
 */
export function readCsvSettings(args: KindArgs): CsvSettings | undefined {
  if (!args.has('csv_settings')) return undefined;
  const { values, fail } = args.settings('csv_settings');
  const out: CsvSettings = {};
  const text = (key: string): string => {
    const v = values[key];
    if (Array.isArray(v)) fail(`${key} must be a single value`, key);
    return v as string;
  };
  const char = (key: string): string => {
    const v = ESCAPES[text(key)] ?? text(key);
    if ([...v].length !== 1) fail(`${key} must be one character (pandas' regular-expression delimiters are not supported), got '${v}'`, key);
    return v;
  };
  const bool = (key: string): boolean => {
    const v = text(key).toLowerCase();
    if (v !== 'true' && v !== 'false') fail(`${key} must be true or false`, key);
    return v === 'true';
  };
  for (const key of Object.keys(values)) {
    if (!KEYS.includes(key)) fail(`unknown setting '${key}' (known: ${KEYS.join(', ')})`, key);
  }
  if ('delimiter' in values) out.delimiter = char('delimiter');
  if ('quotechar' in values) out.quotechar = char('quotechar');
  if ('escapechar' in values) out.escapechar = char('escapechar');
  if ('lineterminator' in values) out.lineterminator = char('lineterminator');
  if ('doublequote' in values) out.doublequote = bool('doublequote');
  if ('skipinitialspace' in values) out.skipinitialspace = bool('skipinitialspace');
  if ('keep_default_na' in values) out.keepDefaultNa = bool('keep_default_na');
  if ('encoding' in values) {
    out.encoding = text('encoding').toLowerCase();
    try {
      new TextDecoder(out.encoding);
    } catch {
      fail(`unknown encoding '${out.encoding}'`, 'encoding');
    }
  }
  if ('na_values' in values) {
    const v = values.na_values;
    out.naValues = Array.isArray(v) ? v : [v];
  }
  if (out.delimiter !== undefined && out.delimiter === (out.quotechar ?? '"')) fail('delimiter and quotechar must differ', 'delimiter');
  return out;
}
