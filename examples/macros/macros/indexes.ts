import { createHash } from 'node:crypto';

// `@index_on(@this_model, customer_id)` as a post-statement: an index on the table just built.
// Both engines want a name that is new in the table's schema; a hash of the table and columns
// gives each version of the table its own (PostgreSQL could name it, DuckDB cannot).
export function index_on(evaluator, table, ...columns) {
  const cols = columns.map(String);
  const name = `ix_${createHash('sha256').update(`${table}(${cols.join(',')})`).digest('hex').slice(0, 16)}`;
  return `CREATE INDEX ${name} ON ${table} (${cols.join(', ')})`;
}
