import type { MaskRule } from '../config/types.js';
import { stableStringify } from '../util/stable-json.js';
import { queryFacts, type ExprFacts, type QueryFacts, type SelectItem } from './lineage-facts.js';
import { placeholderQuery } from './macros.js';
import type { Model } from './model.js';
import { parseByDialect } from './sql-parser.js';

/** Column -> mask of one model's output; the key `*` masks every column (lineage not followed). */
export type ColumnMasks = Record<string, MaskRule>;

/** The key of a mask on every column of a model, NULL: where lineage cannot be followed. */
export const EVERY_COLUMN = '*';

/** What a model's output inherits from the masked columns it reads, and why everything is masked when it is. */
export interface LineageMasks {
  masks: ColumnMasks;
  /** Set when every column is masked because the lineage could not be followed. */
  opaque?: string;
}

/**
 * The masks a model's output columns take from the masked columns of the models it reads
 * (`parents`), by column lineage over its query (`facts`, null when it does not parse):
 * - a column that only passes a masked column on (a reference or a cast, under any name)
 *   gets the same mask; an `{ expr }` mask only under the same name (its SQL names the column);
 * - any other column whose expression reads a masked column, a column derived from one, a
 *   star inside an expression or a whole row (`to_json(c)`) reads NULL;
 * - a star in the select list passes names on, so its masked names stay masked by name;
 * - where lineage by name cannot be followed (columns renamed by position, a table function
 *   over columns, an unnamed derived column, a parent itself not followed, a query that
 *   does not parse), every column reads NULL. Lineage errs towards masking, never leaking:
 *   a name defined anywhere in the query from a masked value is masked wherever it appears.
 */
export function lineageMasks(facts: QueryFacts | null, parents: readonly ColumnMasks[]): LineageMasks {
  const read = parents.filter((p) => Object.keys(p).length);
  if (!read.length) return { masks: {} };
  const opaque = (why: string): LineageMasks => ({ masks: { [EVERY_COLUMN]: 'null' }, opaque: why });
  if (read.some((p) => p[EVERY_COLUMN])) return opaque('it reads a model whose columns are all masked');
  if (!facts) return opaque('its query could not be parsed for lineage');
  if (facts.opaque) return opaque(`its query has ${facts.opaque}`);

  // Names carrying a masked value as it is (with its mask), and names carrying values derived from one.
  const passed = new Map<string, MaskRule>();
  const derived = new Set<string>();
  for (const p of read) {
    for (const [name, rule] of Object.entries(p)) {
      if (passed.has(name) && !same(passed.get(name)!, rule)) derived.add(name);
      else passed.set(name, rule);
    }
  }
  const relations = new Set(facts.relations);
  const tainted = (e: ExprFacts) => e.star || e.refs.some((n) => passed.has(n) || derived.has(n)) || e.single.some((n) => relations.has(n));
  const through = (e: ExprFacts, name: string | null): MaskRule | undefined => {
    if (!e.plain || derived.has(e.plain)) return undefined;
    const rule = passed.get(e.plain);
    return rule && (typeof rule !== 'object' || !('expr' in rule) || e.plain === name) ? rule : undefined;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const { name, expr } of facts.defs) {
      if (derived.has(name)) continue;
      const rule = through(expr, name);
      if (rule !== undefined && !passed.has(name)) passed.set(name, rule);
      else if ((rule !== undefined && !same(passed.get(name)!, rule)) || (rule === undefined && tainted(expr))) derived.add(name);
      else continue;
      changed = true;
    }
  }
  const classify = (e: ExprFacts, name: string | null): MaskRule | undefined => through(e, name) ?? (tainted(e) ? 'null' : undefined);

  const masks: ColumnMasks = {};
  const branches = facts.top;
  if (branches.length === 1 && branches[0].some((i) => i.star)) {
    for (const [name, rule] of passed) masks[name] = rule;
    for (const name of derived) masks[name] = 'null';
  }
  const width = Math.max(0, ...branches.map((b) => b.length));
  // Engines rename a repeated output name (DuckDB: email_1): a mask by name would miss it.
  const names = (branches[0] ?? []).flatMap((it) => (!it.star && it.name ? [it.name] : []));
  for (let i = 0; i < width; i++) {
    const items = branches.map((b) => b[i]).filter((it): it is Exclude<SelectItem, { star: true }> => Boolean(it && !it.star));
    if (!items.length) continue;
    const name = items[0].name;
    const rules = items.map((it) => classify(it.expr, name));
    if (rules.every((r) => r === undefined)) continue;
    if (name === null) return opaque('an unnamed column computed from a masked column (give it a name with AS)');
    if (names.filter((n) => n === name).length > 1) return opaque(`two columns named '${name}'`);
    const first = rules[0];
    masks[name] = first !== undefined && rules.every((r) => r !== undefined && same(r, first)) ? first : 'null';
  }
  return { masks };
}

/**
 * The lineage facts of each model's query, parsed again in one batch per dialect (only
 * sanitized environments need them, so load-project's cache does not keep trees); null
 * for a query that does not parse.
 */
export async function lineageFacts(models: readonly Model[]): Promise<Map<string, QueryFacts | null>> {
  const withQuery = models.filter((m) => m.query && m.shape);
  const outcomes = await parseByDialect(withQuery.map((m) => m.dialect), withQuery.map((m) => placeholderQuery(m.query, m.macros)));
  return new Map(withQuery.map((m, i) => {
    const o = outcomes[i];
    return [m.name, o.ok ? queryFacts(o.tree) : null];
  }));
}

function same(a: MaskRule, b: MaskRule): boolean {
  return stableStringify(a) === stableStringify(b);
}
