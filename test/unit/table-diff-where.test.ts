import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { validateWhere, whereCondition } from '../../src/table-diff/where-clause.js';

const rejection = async (expr: string) => {
  const err = await validateWhere(expr, 'duckdb').catch((e) => e);
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).message;
};

describe('--where validation', () => {
  it('accepts one boolean expression, subqueries and comments included', async () => {
    expect(await validateWhere("  status = 'done' AND amount > 0 ", 'duckdb')).toBe("status = 'done' AND amount > 0");
    expect(await validateWhere('id IN (SELECT 1 UNION SELECT 2)', 'postgres')).toBe('id IN (SELECT 1 UNION SELECT 2)');
    expect(await validateWhere('x > 1 -- a trailing comment', 'duckdb')).toBe('x > 1 -- a trailing comment');
    // The trailing comment cannot swallow the closing parenthesis.
    expect(whereCondition('x > 1 -- c')).toBe('(x > 1 -- c\n)');
  });

  it('refuses a second statement, an escape from the parentheses, and modifiers', async () => {
    expect(await rejection('1 = 1; DROP TABLE t')).toMatch(/single SQL expression|does not parse/);
    expect(await rejection('1 = 1) UNION SELECT (1')).toMatch(/single SQL expression/);
    expect(await rejection('1 = 1) GROUP BY (1')).toMatch(/single SQL expression/);
    expect(await rejection('1 = 1) ORDER BY (1')).toMatch(/single SQL expression/);
    expect(await rejection('1 = 1) LIMIT (1')).toMatch(/single SQL expression/);
    expect(await rejection('id = $1')).toMatch(/parameters/);
    expect(await rejection('   ')).toMatch(/empty/);
  });

  it("reads a postgres gateway's --where with PostgreSQL's parser", async () => {
    expect(await validateWhere("props ? 'utm' AND props @> '{\"a\": 1}'", 'postgres')).toBe("props ? 'utm' AND props @> '{\"a\": 1}'");
    for (const [expr, refusal] of [['1 = 1) UNION SELECT (1', /single SQL expression/], ['1 = 1) LIMIT (1', /single SQL expression/], ['id = $1', /parameters/]] as const) {
      const err = await validateWhere(expr, 'postgres').catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(refusal);
    }
  });

  it('reports where a parse error is, in the expression the user typed', async () => {
    expect(await rejection('amount >> AND')).toMatch(/--where does not parse: .*\(at character \d+\)/);
  });
});
