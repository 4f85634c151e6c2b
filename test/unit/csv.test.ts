import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferType, readSeedFile } from '../../src/engine/seed-file.js';
import { InputError } from '../../src/errors.js';
import { CsvError, parseCsv } from '../../src/util/csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF, a BOM, and empty fields as null', () => {
    expect(parseCsv('\ufeffa,b,c\r\n1,"x, ""y""",\r\n2,"line\nbreak",""\n\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', null],
      ['2', 'line\nbreak', ''],
    ]);
  });

  it('reads a last line without a newline', () => {
    expect(parseCsv('a\n1')).toEqual([['a'], ['1']]);
  });

  it("follows SQLMesh's csv_settings: delimiter, quote, escape, doubled quotes, initial spaces, line terminator, NA values", () => {
    expect(parseCsv("a|b\n'x|y'|'it''s'\n", { delimiter: '|', quotechar: "'" })).toEqual([['a', 'b'], ['x|y', "it's"]]);
    expect(parseCsv('a,b\n"x\\"y",z\\,w\n', { escapechar: '\\', doublequote: false })).toEqual([['a', 'b'], ['x"y', 'z,w']]);
    expect(parseCsv('a, b\n1,  2\n', { skipinitialspace: true })).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b;1,2;', { lineterminator: ';' })).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b\nNA,\n', { naValues: ['NA'] })).toEqual([['a', 'b'], [null, null]]);
    expect(parseCsv('a,b\nNA,\n', { naValues: ['NA'], keepDefaultNa: false })).toEqual([['a', 'b'], [null, '']]);
  });

  it('names the line of an unclosed quote and of text after a closing quote', () => {
    expect(() => parseCsv('a\n"open\n')).toThrowError(CsvError);
    try {
      parseCsv('a,b\n1,2\n"x"y,3\n');
    } catch (err) {
      expect((err as CsvError).line).toBe(3);
    }
  });
});

describe('seed files for PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'planner-seed-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('infers the narrowest simple type of each column', () => {
    expect(inferType(['1', '-2', null])).toBe('integer');
    expect(inferType(['1', '9999999999'])).toBe('bigint');
    expect(inferType(['1', '99999999999999999999'])).toBe('numeric');
    expect(inferType(['1.5', '2', '-.5', '1e3'])).toBe('numeric');
    expect(inferType(['2024-01-02', null])).toBe('date');
    expect(inferType(['2024-01-02 10:00:00', '2024-01-02T10:00'])).toBe('timestamp');
    expect(inferType(['true', 'FALSE'])).toBe('boolean');
    expect(inferType(['1', 'x'])).toBe('text');
    expect(inferType([null, null])).toBe('text');
  });

  it('takes declared columns by position and refuses a count that does not match', () => {
    const path = file('a.csv', 'x,y\n1,2\n');
    expect(readSeedFile(path, [{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'NUMERIC(12, 2)' }]).columns).toEqual([
      { name: 'a', type: 'INTEGER' },
      { name: 'b', type: 'NUMERIC(12, 2)' },
    ]);
    expect(() => readSeedFile(path, [{ name: 'a', type: 'INTEGER' }])).toThrowError(/declares 1 columns, the seed file has 2/);
    expect(() => readSeedFile(path, [{ name: 'a', type: 'INTEGER; DROP' }, { name: 'b', type: 'INTEGER' }])).toThrowError(/unsupported type/);
  });

  it('refuses ragged rows, repeated or over-long header names, naming file and line', () => {
    const ragged = file('r.csv', 'a,b\n1,2\n3\n');
    expect(() => readSeedFile(ragged)).toThrowError(InputError);
    try {
      readSeedFile(ragged);
    } catch (err) {
      expect((err as InputError).location).toEqual({ file: ragged, line: 3 });
    }
    expect(() => readSeedFile(file('d.csv', 'a,a\n1,2\n'))).toThrowError(/repeats 'a'/);
    expect(() => readSeedFile(file('l.csv', `${'c'.repeat(64)}\n1\n`))).toThrowError(/at most 63 bytes/);
    expect(() => readSeedFile(file('e.csv', ''))).toThrowError(/empty/);
    rmSync(dir, { recursive: true, force: true });
  });
});
