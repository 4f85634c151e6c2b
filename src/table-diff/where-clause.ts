import type { Dialect } from '../config/types.js';
import { InputError } from '../errors.js';
import { whereParts } from '../model/query-analysis.js';
import { createSqlParser } from '../model/sql-parser.js';
import { refuseSideEffects } from '../util/read-only-sql.js';

const PREFIX = 'SELECT 1 WHERE (';
// The newline ends a trailing `--` comment before our closing parenthesis.
const SUFFIX = '\n)';

/**
 * Checks that `--where` is one boolean expression and nothing else, and returns the text to
 * put after WHERE. User SQL is allowed here by design (as in SQLMesh's table_diff); what is
 * refused is anything that would escape the expression: a `;`, a closing parenthesis
 * followed by UNION, GROUP BY, ORDER BY and the like. The check parses `SELECT 1 WHERE
 * (<expr>)` and requires the result to be `SELECT 1` plus a WHERE clause, node for node.
 */
export async function validateWhere(expr: string, dialect: Dialect): Promise<string> {
  const text = expr.trim();
  if (!text) throw new InputError('--where is empty', { code: 'invalid_where', hint: "pass a boolean SQL expression, e.g. --where \"order_date >= '2024-01-01'\"" });
  const parser = createSqlParser(dialect);
  let bare, wrapped;
  try {
    [bare, wrapped] = await parser.parseMany(['SELECT 1', `${PREFIX}${text}${SUFFIX}`]);
  } finally {
    parser.close();
  }
  if (!wrapped.ok) {
    const at = wrapped.offset === undefined ? '' : ` (at character ${Math.max(1, wrapped.offset - PREFIX.length + 1)})`;
    throw new InputError(`--where does not parse: ${wrapped.message}${at}`, { code: 'invalid_where' });
  }
  if (!bare.ok) throw new Error(`the SQL parser rejects SELECT 1: ${bare.message}`);
  const parts = whereParts(wrapped.tree);
  if (!parts.hasWhere || parts.rest !== whereParts(bare.tree).rest) {
    throw new InputError('--where must be a single SQL expression', {
      code: 'invalid_where',
      hint: 'a condition on the columns, such as "status = \'completed\' AND amount > 0"; no ;, UNION, GROUP BY or ORDER BY',
    });
  }
  if (parts.hasParameter) {
    throw new InputError('--where cannot contain query parameters ($1, ?)', { code: 'invalid_where' });
  }
  refuseSideEffects(text, '--where');
  return text;
}

/** The WHERE condition as it goes into generated SQL: parenthesized, comment-safe. */
export function whereCondition(validated: string): string {
  return `(${validated}${SUFFIX}`;
}
