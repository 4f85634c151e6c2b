import type { Dialect } from '../config/types.js';
import { InputError } from '../errors.js';
import { findMacros, MacroError, placeholderQuery } from '../model/macros.js';
import { analyzeQuery } from '../model/query-analysis.js';
import { createSqlParser } from '../model/sql-parser.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { renderSnapshot } from './render-snapshot.js';

/**
 * Rewrites an ad-hoc query so model names read an environment's physical tables, the way
 * a model's query is rendered. Names that are not models are left as written.
 */
export async function resolveEnvironmentNames(
  query: string,
  models: Map<string, Snapshot>,
  dialect: Dialect,
  now: Date,
  /** Names the query may not read (models of the project that the environment does not have): each refused with `unbuilt`'s message. */
  unbuilt?: { names: ReadonlySet<string>; refuse: (name: string) => InputError },
): Promise<string> {
  const text = query.trim().replace(/;\s*$/, '');
  let macros;
  try {
    macros = findMacros(text);
  } catch (err) {
    if (err instanceof MacroError) throw new InputError(err.message);
    throw err;
  }
  const template = placeholderQuery(text, macros);
  const parser = createSqlParser(dialect);
  let outcome;
  try {
    [outcome] = await parser.parseMany([template]);
  } finally {
    parser.close();
  }
  if (!outcome.ok) {
    throw new InputError(`query does not parse: ${outcome.message}${outcome.offset !== undefined ? ` (at character ${outcome.offset + 1})` : ''}`, { code: 'invalid_sql' });
  }
  const { references } = analyzeQuery(outcome.tree, template);
  for (const r of references) {
    const name = `${r.schema}.${r.table}`.toLowerCase();
    if (unbuilt?.names.has(name) && !models.has(name)) throw unbuilt.refuse(name);
  }
  const pseudo = {
    id: 'adhoc',
    name: 'adhoc',
    model: { name: 'adhoc', query: text, references, macros, variables: {} },
    physical: { schema: '', table: '' },
  } as unknown as Snapshot;
  return renderSnapshot(pseudo, (name) => models.get(name), { start: now, end: now, execution: now });
}
