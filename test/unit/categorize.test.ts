import { afterEach, describe, expect, it } from 'vitest';
import { categorizeDirectChange } from '../../src/snapshot/categorize.js';
import { fingerprintProject } from '../../src/snapshot/fingerprint-project.js';
import { projectWriter } from '../helpers/write-project.js';

const projects = projectWriter();
afterEach(() => projects.cleanup());

async function side(header: string, query: string) {
  const project = await projects.load({ 'models/m.sql': `MODEL (name s.m, ${header});\n${query}` });
  const model = project.models.get('s.m')!;
  return { fingerprint: fingerprintProject(project).get('s.m')!.fingerprint, shape: model.shape, kindJson: JSON.stringify(model.kind) };
}

const base = 'SELECT id, amount FROM src WHERE amount > 0';

describe('change categories', () => {
  it.each([
    ['a projection added at the end', 'SELECT id, amount, amount * 2 AS double_amount FROM src WHERE amount > 0', 'non-breaking'],
    ['a projection added in the middle', 'SELECT id, upper(name) AS name, amount FROM src WHERE amount > 0', 'non-breaking'],
    ['two projections added', 'SELECT id, amount, 1 AS one, 2 AS two FROM src WHERE amount > 0', 'non-breaking'],
    ['a window function added', 'SELECT id, amount, row_number() OVER (ORDER BY id) AS rn FROM src WHERE amount > 0', 'non-breaking'],
    ['a filter changed', 'SELECT id, amount FROM src WHERE amount > 1', 'breaking'],
    ['a projection removed', 'SELECT id FROM src WHERE amount > 0', 'breaking'],
    ['a projection changed', 'SELECT id, amount * 100 AS amount FROM src WHERE amount > 0', 'breaking'],
    ['projections reordered', 'SELECT amount, id FROM src WHERE amount > 0', 'breaking'],
    ['an aggregate added to a query that did not aggregate', 'SELECT id, amount, count(*) AS n FROM src WHERE amount > 0', 'breaking'],
    ['a join added', 'SELECT id, amount FROM src JOIN other USING (id) WHERE amount > 0', 'breaking'],
    ['a set-returning function added', 'SELECT id, amount, unnest([1, 2]) AS n FROM src WHERE amount > 0', 'breaking'],
    ['only formatting', 'select id,\n  amount\nfrom src -- same\nwhere amount > 0', 'metadata'],
  ])('%s', async (_what, query, expected) => {
    expect(categorizeDirectChange(await side('kind FULL', base), await side('kind FULL', query))).toBe(expected);
  });

  it('treats a column added to SELECT DISTINCT as breaking', async () => {
    const old = await side('kind FULL', 'SELECT DISTINCT id FROM src');
    expect(categorizeDirectChange(old, await side('kind FULL', 'SELECT DISTINCT id, amount FROM src'))).toBe('breaking');
  });

  it('allows an added aggregate in a query that already groups', async () => {
    const old = await side('kind FULL', 'SELECT id, sum(amount) AS total FROM src GROUP BY id');
    const next = await side('kind FULL', 'SELECT id, sum(amount) AS total, count(*) AS n FROM src GROUP BY id');
    expect(categorizeDirectChange(old, next)).toBe('non-breaking');
  });

  it('treats a kind change as breaking and an owner change as metadata', async () => {
    expect(categorizeDirectChange(await side('kind FULL', base), await side('kind VIEW', base))).toBe('breaking');
    expect(categorizeDirectChange(await side('kind FULL', base), await side('kind FULL, owner x', base))).toBe('metadata');
  });
});
