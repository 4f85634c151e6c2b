import { describe, expect, it } from 'vitest';
import { queryCtes } from '../../src/model/query-ctes.js';
import { freezeTime } from '../../src/unit-test/frozen-time.js';

const SQL = `/* lead */ WITH RECURSIVE "Odd Name" (n) AS (SELECT 1 /* ) */ UNION ALL SELECT n + 1 FROM "Odd Name" WHERE n < 3),
  second AS MATERIALIZED (SELECT ')' AS s -- )
  )
SELECT * FROM second, (WITH inner_cte AS (SELECT 1 AS x) SELECT x FROM inner_cte) AS sub`;

describe('the top-level CTEs of a query, for unit tests', () => {
  for (const dialect of ['duckdb', 'postgres'] as const) {
    it(`are read by the ${dialect} parser, with where the WITH clause ends (nested WITHs are not the query's)`, async () => {
      const found = await queryCtes(SQL, dialect);
      expect(found.ctes).toEqual([
        { name: 'odd name', text: '"Odd Name"' },
        { name: 'second', text: 'second' },
      ]);
      expect(SQL.slice(found.end)).toMatch(/^\nSELECT \* FROM second, \(WITH inner_cte/);
      expect(await queryCtes('SELECT 1 AS a', dialect)).toEqual({ ctes: [], end: 0 });
    });
  }

  it('freeze the current time only where SQL means it: not in strings, comments or qualified names', () => {
    const at = new Date('2023-01-01T10:05:03.250Z');
    expect(freezeTime("SELECT CURRENT_TIMESTAMP, current_date, now(), t.now, 'now()', CURRENT_TIMESTAMP(3) -- CURRENT_DATE", at)).toBe(
      "SELECT CAST('2023-01-01 10:05:03.250' AS TIMESTAMP), CAST('2023-01-01' AS DATE), CAST('2023-01-01 10:05:03.250' AS TIMESTAMP), t.now, 'now()', CAST('2023-01-01 10:05:03.250' AS TIMESTAMP) -- CURRENT_DATE",
    );
  });
});
