import { describe, expect, it } from 'vitest';
import { EVERY_COLUMN, lineageMasks, type ColumnMasks } from '../../src/model/column-lineage.js';
import { queryFacts } from '../../src/model/lineage-facts.js';
import { parseByDialect } from '../../src/model/sql-parser.js';

const CUSTOMERS: ColumnMasks = { email: 'hash', name: { partial: { first: 1 } }, amount: { expr: 'round(amount, -1)' } };

for (const dialect of ['duckdb', 'postgres'] as const) {
  const masksOf = async (query: string, parents: ColumnMasks[] = [CUSTOMERS]) => {
    const [outcome] = await parseByDialect([dialect], [query]);
    if (!outcome.ok) throw new Error(outcome.message);
    return lineageMasks(queryFacts(outcome.tree), parents);
  };
  const ALL: ColumnMasks = { [EVERY_COLUMN]: 'null' };

  describe(`masks follow column lineage (${dialect} parser)`, () => {
    it('passes a mask on through references, casts and renames; computed columns read NULL; others stay', async () => {
      expect((await masksOf('SELECT c.id, c.email, CAST(c.email AS VARCHAR) AS contact, lower(c.email) AS email_lower, c.country FROM raw.customers AS c')).masks).toEqual({ email: 'hash', contact: 'hash', email_lower: 'null' });
      // An expression mask names its column: under another name the value reads NULL.
      expect((await masksOf('SELECT amount, amount AS total, count(email) AS n, count(*) AS rows FROM raw.orders GROUP BY 1, 2')).masks).toEqual({ amount: { expr: 'round(amount, -1)' }, total: 'null', n: 'null' });
    });

    it('follows names through CTEs, subqueries, set operations and stars', async () => {
      const cte = await masksOf('WITH c AS (SELECT id, upper(email) AS mail, name AS who FROM raw.customers) SELECT id, mail, who FROM (SELECT * FROM c) AS s');
      expect(cte.masks).toEqual({ mail: 'null', who: { partial: { first: 1 } } });
      const union = await masksOf("SELECT id, country AS label FROM raw.customers UNION ALL SELECT id, email FROM raw.customers");
      expect(union.masks).toEqual({ label: 'null' });
      // A star passes names on: the masked ones are masked by name wherever the star puts them.
      const star = await masksOf('SELECT *, 1 AS one FROM raw.customers');
      expect(star.masks).toMatchObject({ email: 'hash', name: { partial: { first: 1 } } });
      expect(star.masks.one).toBeUndefined();
      // A whole row or a star inside an expression reads every column.
      expect((await masksOf('SELECT id, to_json(c) AS doc FROM raw.customers AS c')).masks).toEqual({ doc: 'null' });
    });

    it('masks every column where lineage by name cannot be followed, and nothing where no masked column is read', async () => {
      expect(await masksOf('SELECT x FROM raw.customers AS c(x)')).toMatchObject({ masks: ALL, opaque: expect.stringContaining('renames its columns by position') });
      expect(await masksOf('SELECT upper(email) FROM raw.customers')).toMatchObject({ masks: ALL, opaque: expect.stringContaining('unnamed column') });
      expect((await masksOf('SELECT a.email, b.email FROM raw.customers AS a, raw.customers AS b')).masks).toEqual(ALL);
      expect((await masksOf('SELECT id FROM raw.customers', [ALL])).masks).toEqual(ALL);
      expect((await masksOf('SELECT id, country FROM raw.customers')).masks).toEqual({});
      expect((await masksOf('SELECT id, email FROM raw.orders', [{}])).masks).toEqual({});
    });
  });
}
