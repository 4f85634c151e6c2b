import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditCompileError, compileAudit } from '../../src/audit/audit-query.js';
import { loadAudits, readAuditFile, type AuditDefinition } from '../../src/audit/load-audits.js';
import { DuckDBAdapter } from '../../src/engine/duckdb/adapter.js';
import type { EngineAdapter } from '../../src/engine/engine-adapter.js';
import type { AuditRef } from '../../src/model/model.js';

const TABLE = '"audits"."items"';
const TIMES = { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-08T00:00:00Z'), execution: new Date('2024-01-08T06:00:00Z') };
const target = { table: TABLE, times: TIMES, variables: { max_price: 50 } };

const customs = new Map<string, AuditDefinition>(
  readAuditFile(
    `-- two audits in one file
AUDIT (name too_expensive, blocking false);
SELECT * FROM @this_model WHERE @column > @threshold AND name <> '@column';

AUDIT (
  name sold_in_window
);
SELECT * FROM @this_model WHERE sold_on NOT BETWEEN @start_ds AND @end_ds OR price > @VAR('max_price', 100)
`,
    'audits/items.sql',
  ).map(({ audit }) => [audit.name, audit]),
);

const ref = (name: string, args: Record<string, string> = {}): AuditRef => ({ name, args });

let engine: EngineAdapter;
beforeAll(async () => {
  engine = await DuckDBAdapter.open(':memory:');
  await engine.execute(`CREATE SCHEMA audits`);
  await engine.execute(`CREATE TABLE audits.items AS SELECT * FROM (VALUES
    (1, 'tea', 5.0, DATE '2024-01-02', 'food'),
    (2, 'mug', 12.0, DATE '2024-01-03', 'kitchen'),
    (2, 'pot', 60.0, DATE '2024-01-09', 'kitchen'),
    (4, NULL, -1.0, DATE '2024-01-04', 'toys')) AS t(id, name, price, sold_on, category)`);
});
afterAll(() => engine.close());

async function badRows(r: AuditRef): Promise<unknown[]> {
  const { sql } = compileAudit(r, customs, target);
  return (await engine.query(`${sql} ORDER BY 1, 2`)).rows.map((row) => row.id ?? row.row_count);
}

describe('built-in audits, run on DuckDB', () => {
  it('not_null finds rows with a NULL in any listed column', async () => {
    expect(await badRows(ref('not_null', { columns: '[id, name]' }))).toEqual([4]);
  });

  it('unique_values finds every row of a duplicated value, column by column', async () => {
    expect(await badRows(ref('unique_values', { columns: '(id)' }))).toEqual([2, 2]);
    expect(await badRows(ref('unique_values', { columns: '[name]' }))).toEqual([]);
  });

  it('unique_combination_of_columns looks at the columns together', async () => {
    expect(await badRows(ref('unique_combination_of_columns', { columns: '[id, category]' }))).toEqual([2, 2]);
    expect(await badRows(ref('unique_combination_of_columns', { columns: '[id, name]' }))).toEqual([]);
  });

  it('accepted_values and not_accepted_values compare with re-quoted literals', async () => {
    expect(await badRows(ref('accepted_values', { column: 'category', is_in: "['food', 'kitchen']" }))).toEqual([4]);
    expect(await badRows(ref('not_accepted_values', { column: 'category', is_in: "('toys')" }))).toEqual([4]);
    expect(compileAudit(ref('accepted_values', { column: 'name', is_in: "['it''s', 'x']" }), customs, target).sql).toContain(`NOT IN ('it''s', 'x')`);
  });

  it('number_of_rows fails when the table has no more rows than the threshold, reading at most threshold + 1', async () => {
    expect(await badRows(ref('number_of_rows', { threshold: '3' }))).toEqual([]);
    expect(await badRows(ref('number_of_rows', { threshold: '4' }))).toEqual([4]);
    expect(compileAudit(ref('number_of_rows', { threshold: '4' }), customs, target).sql).toContain('LIMIT 5');
  });

  it('accepted_range is inclusive unless told otherwise', async () => {
    expect(await badRows(ref('accepted_range', { column: 'price', min_v: '0', max_v: '60' }))).toEqual([4]);
    expect(await badRows(ref('accepted_range', { column: 'price', min_v: '0', max_v: '60', inclusive: 'false' }))).toEqual([2, 4]);
    expect(await badRows(ref('accepted_range', { column: 'sold_on', max_v: "'2024-01-08'" }))).toEqual([2]);
  });

  it('forall finds rows where any criterion is false', async () => {
    expect(await badRows(ref('forall', { criteria: '[price >= 0, LENGTH(name) > 2, sold_on < DATE \'2024-02-01\']' }))).toEqual([4]);
  });

  it('a _non_blocking built-in, or blocking := false, only warns', () => {
    expect(compileAudit(ref('not_null_non_blocking', { columns: '[id]' }), customs, target).blocking).toBe(false);
    expect(compileAudit(ref('not_null', { columns: '[id]', blocking: 'false' }), customs, target).blocking).toBe(false);
    expect(compileAudit(ref('not_null', { columns: '[id]' }), customs, target).blocking).toBe(true);
  });

  const errors: [string, AuditRef, RegExp][] = [
    ['unknown audit', ref('not_nul', { columns: 'id' }), /unknown audit 'not_nul' \(built-in: not_null, .*; in audits\/: too_expensive, sold_in_window\)/],
    ['missing argument', ref('not_null'), /audit not_null: needs argument 'columns'/],
    ['unknown argument', ref('not_null', { columns: 'id', colums: 'x' }), /unknown argument 'colums' \(takes columns\)/],
    ['a column that is SQL, not a name', ref('not_null', { columns: '[id, "x" OR 1=1]' }), /'"x" OR 1=1' is not a column name/],
    ['an injected column', ref('unique_values', { columns: 'id) OR (1=1' }), /is not a column name/],
    ['a value that is not a literal', ref('accepted_values', { column: 'name', is_in: "[upper('x')]" }), /upper\('x'\) is not a number, a 'string', TRUE, FALSE or NULL/],
    ['a threshold that is not a number', ref('number_of_rows', { threshold: '1; DROP TABLE x' }), /argument 'threshold' must be a whole number/],
    ['a range without bounds', ref('accepted_range', { column: 'price' }), /needs 'min_v', 'max_v' or both/],
    ['blocking that is not a boolean', ref('not_null', { columns: 'id', blocking: 'maybe' }), /argument 'blocking' must be true or false/],
  ];
  for (const [what, r, message] of errors) {
    it(`rejects ${what} with a message naming the audit`, () => {
      expect(() => compileAudit(r, customs, target)).toThrow(AuditCompileError);
      expect(() => compileAudit(r, customs, target)).toThrow(message);
    });
  }
});

describe('custom audits from audits/*.sql', () => {
  it('reads several audits from one file with their settings', () => {
    expect([...customs.values()].map((a) => [a.name, a.blocking, a.file])).toEqual([
      ['too_expensive', false, 'audits/items.sql'],
      ['sold_in_window', true, 'audits/items.sql'],
    ]);
    expect(customs.get('too_expensive')!.query).toBe("SELECT * FROM @this_model WHERE @column > @threshold AND name <> '@column'");
  });

  it('renders @this_model, the arguments (not inside strings), the time macros and @VAR', async () => {
    const compiled = compileAudit(ref('too_expensive', { column: 'price', threshold: '10' }), customs, target);
    expect(compiled.sql).toBe(`SELECT * FROM ${TABLE} WHERE price > 10 AND name <> '@column'`);
    expect(compiled.blocking).toBe(false);
    expect(await badRows(ref('too_expensive', { column: 'price', threshold: '10' }))).toEqual([2, 2]);
    expect(compileAudit(ref('sold_in_window'), customs, target).sql).toBe(`SELECT * FROM ${TABLE} WHERE sold_on NOT BETWEEN '2024-01-01' AND '2024-01-07' OR price > 50`);
    expect(await badRows(ref('sold_in_window'))).toEqual([2]);
  });

  it('names a missing or an unused argument', () => {
    expect(() => compileAudit(ref('too_expensive', { column: 'price' }), customs, target)).toThrow(/audits\/items\.sql uses @threshold: pass it as an argument, e.g\. too_expensive\(threshold := \.\.\.\)/);
    expect(() => compileAudit(ref('sold_in_window', { column: 'x' }), customs, target)).toThrow(/audits\/items\.sql never uses argument 'column'/);
  });

  it('reports header mistakes with file, line and column', () => {
    expect(() => readAuditFile('AUDIT (name a);\nSELECT 1\nAUDIT (nme b);\nSELECT 2', 'audits/x.sql')).toThrow(/unknown AUDIT property 'nme'/);
    try {
      readAuditFile('AUDIT (name a);\nSELECT 1\nAUDIT (nme b);\nSELECT 2', 'audits/x.sql');
    } catch (err) {
      expect((err as { location: unknown }).location).toEqual({ file: 'audits/x.sql', line: 3, column: 8 });
    }
    expect(() => readAuditFile('AUDIT (name a, blocking sometimes);\nSELECT 1', 'audits/x.sql')).toThrow(/blocking must be true or false/);
    expect(() => readAuditFile('AUDIT (name a);\n', 'audits/x.sql')).toThrow(/audit a has no query/);
    expect(() => readAuditFile('SELECT 1', 'audits/x.sql')).toThrow(/expected the file to start with AUDIT/);
  });

  it('refuses an audit defined twice, or one that shadows a built-in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'planner-audits-'));
    try {
      mkdirSync(join(dir, 'audits/more'), { recursive: true });
      writeFileSync(join(dir, 'audits/a.sql'), 'AUDIT (name positive);\nSELECT * FROM @this_model WHERE @column <= 0');
      expect([...loadAudits(dir).keys()]).toEqual(['positive']);
      writeFileSync(join(dir, 'audits/more/b.sql'), '\n\nAUDIT (name positive);\nSELECT 1');
      expect(() => loadAudits(dir)).toThrow(/audit positive is defined twice \(also in audits\/a\.sql\)/);
      rmSync(join(dir, 'audits/more/b.sql'));
      writeFileSync(join(dir, 'audits/c.sql'), 'AUDIT (name not_null);\nSELECT 1');
      expect(() => loadAudits(dir)).toThrow(/audit not_null is defined twice \(it is a built-in audit\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
