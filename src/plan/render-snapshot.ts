import { kindStrategy } from '../kinds/registry.js';
import { isOwnReference } from '../model/self-reference.js';
import { renderQuery, type RenderTimes } from '../model/render.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { quoteIdent, quoteTable } from '../util/identifiers.js';
import { startOf } from './backfill-planner.js';

/**
 * A snapshot's query as it runs: references to models become the exact physical tables
 * of the parent snapshots given by `parentOf` (so a table never depends on which
 * environment built it); EMBEDDED parents are inlined as subqueries; other tables are
 * left as written. A parent in `reads` (a masked build's masked relations, masked-build.ts)
 * is read through that query instead.
 */
export function renderSnapshot(
  snapshot: Snapshot,
  parentOf: (name: string) => Snapshot | undefined,
  times: RenderTimes,
  reads: ReadonlyMap<string, string> = NO_READS,
): string {
  const m = snapshot.model;
  const unaliased = m.references.filter((r) => !r.alias).map((r) => r.table.toLowerCase());
  return renderQuery(
    m,
    (ref) => {
      // A model reading its own earlier rows reads this version's table.
      const parent = isOwnReference(m, ref) ? snapshot : parentOf(`${ref.schema}.${ref.table}`.toLowerCase());
      if (!parent) return undefined;
      const reference = kindStrategy(parent.model.kind).reference;
      const masked = parent === snapshot ? undefined : reads.get(parent.name);
      if (masked !== undefined) {
        // A sampled and sanitized environment samples the masked relation.
        const read = m.sample && SAMPLED_KINDS.has(parent.model.kind.name) ? sampleQuery(`(${masked})`, parent.model.grain, m.sample.fraction) : masked;
        return `(${read})${ref.alias ? '' : ` AS ${quoteIdent(reference === 'as-written' ? ref.table : parent.model.table)}`}`;
      }
      if (reference === 'as-written') {
        if (!m.sample || !SAMPLED_KINDS.has(parent.model.kind.name)) return undefined;
        const alias = ref.alias ? '' : ` AS ${quoteIdent(ref.table)}`;
        return `(${sampleQuery(quoteTable({ schema: ref.schema, table: ref.table }), parent.model.grain, m.sample.fraction)})${alias}`;
      }
      // Without an alias the model's own table name stays the qualifier, as SQLMesh keeps
      // it: `orders.id` and @STAR's `"orders"."id"` read the physical table.
      // (Not where two unaliased references share a table name: DuckDB reads `a.t, b.t`.)
      const alias = ref.alias ? '' : ` AS ${quoteIdent(parent.model.table)}`;
      if (reference === 'inline') return `(${renderSnapshot(parent, parentOf, times, reads)})${alias}`;
      const unique = unaliased.filter((t) => t === ref.table.toLowerCase()).length === 1;
      if (m.sample && SAMPLED_KINDS.has(parent.model.kind.name)) return `(${sampleQuery(quoteTable(parent.physical), parent.model.grain, m.sample.fraction)})${alias}`;
      return `${quoteTable(parent.physical)}${unique ? alias : ''}`;
    },
    times,
    quoteTable(snapshot.physical),
  );
}

const NO_READS: ReadonlyMap<string, string> = new Map();

/** The sources a sampled environment's models read through a sample. */
const SAMPLED_KINDS = new Set(['SEED', 'EXTERNAL']);

/** The alias a sampled source is read under, so a grain-less source can hash its whole row. */
const SAMPLED = quoteIdent('planner_sampled');

/**
 * About `fraction` of `table`'s rows, the same ones every time: a row is read when the
 * first 32 bits of the md5 of its grain (of the whole row's text when the source has no
 * grain) fall below `fraction` of their range. Each row is in or out on its own, so a
 * source that grows keeps its sampled rows. Hex digits compare in byte order (COLLATE "C",
 * which both engines read), whatever the database's collation.
 */
function sampleQuery(table: string, grain: readonly string[], fraction: number): string {
  const key = grain.length ? grain.map((c) => `COALESCE(CAST(${SAMPLED}.${quoteIdent(c)} AS VARCHAR), '')`).join(` || '|' || `) : `CAST(${SAMPLED} AS VARCHAR)`;
  const bound = Math.round(fraction * 2 ** 32).toString(16).padStart(8, '0');
  return `SELECT ${SAMPLED}.* FROM ${table} AS ${SAMPLED} WHERE substr(md5(${key}), 1, 8) < '${bound}' COLLATE "C"`;
}

/**
 * What a model name in one of `snapshot`'s statements reads: its own physical table, or
 * another model's, as the query's references do. An EMBEDDED model has no table and an
 * EXTERNAL one is its own name: both are left as written.
 */
export function physicalNameOf(snapshot: Snapshot, parentOf: (name: string) => Snapshot | undefined): (name: string) => string | undefined {
  return (name) => {
    if (name === snapshot.name) return quoteTable(snapshot.physical);
    const parent = parentOf(name);
    return parent && kindStrategy(parent.model.kind).reference === 'physical' ? quoteTable(parent.physical) : undefined;
  };
}

/** Render times for a model that is built whole: from its start to the last complete day. */
export function fullRefreshTimes(snapshot: Snapshot, now: Date): RenderTimes {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  // The same reading of `start` as the backfill planner's, so builds and audits agree with it.
  return { start: new Date(startOf(snapshot.model) ?? 0), end: today, execution: now };
}
