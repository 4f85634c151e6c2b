import type { EnvironmentSettings } from '../config/environment-settings.js';
import type { MaskRule } from '../config/types.js';
import { validateColumnType } from '../util/column-types.js';
import { numericHash } from './numeric-hash.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import { EVERY_COLUMN, lineageFacts, lineageMasks } from '../model/column-lineage.js';
import type { Project } from '../model/load-project.js';
import type { Plan } from '../plan/plan.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { modelViewName } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord } from '../state/state-store.js';
import { stableStringify } from '../util/stable-json.js';
import { quoteIdent, quoteTable, type TableName } from '../util/identifiers.js';

/** Model -> column -> mask: what a sanitized environment's views apply. */
export type EnvironmentMasks = Record<string, Record<string, MaskRule>>;

/**
 * The masks of `settings`' environment: the config's `masking` when it is sanitized, else
 * none. A mask naming a model the project lacks, or a column its query does not output
 * (when the query's columns are known without a database), is bad input.
 */
export function environmentMasks(masking: Record<string, MaskRule>, settings: EnvironmentSettings, project: Project, configFile?: string): EnvironmentMasks {
  if (!settings.sanitized) return {};
  const out: EnvironmentMasks = {};
  for (const [key, rule] of Object.entries(masking)) {
    const cut = key.lastIndexOf('.');
    const [model, column] = [key.slice(0, cut), key.slice(cut + 1).toLowerCase()];
    const found = project.models.get(model);
    const where = { location: configFile ? { file: configFile } : undefined, code: 'invalid_masking' };
    if (!found) throw new InputError(`config key 'masking.${key}' masks a column of '${model}', which is not a model of the project`, where);
    const columns = found.shape?.columns ?? found.columns?.map((c) => c.name.toLowerCase()) ?? null;
    if (columns && !columns.includes(column)) {
      throw new InputError(`config key 'masking.${key}' masks column '${column}', which model '${model}' does not output`, { ...where, hint: `its columns: ${columns.join(', ')}` });
    }
    (out[model] ??= {})[column] = rule;
  }
  return out;
}

/** What column lineage adds to the config's masks: per model, its masked columns and why all are masked, if they are. */
export type LineageOfMasks = Record<string, { columns: string[]; opaque?: string }>;

/**
 * The config's masks with those column lineage derives from them (model/column-lineage.ts):
 * every model downstream of a masked column masks the columns that carry it on (the same
 * mask) or are computed from it (NULL), and every column where lineage cannot be followed.
 * Prod's tables hold the real values, so an unchanged model's view in a sanitized
 * environment must mask them too. The config's own masks win over derived ones.
 */
export async function withLineage(project: Project, configured: EnvironmentMasks): Promise<{ masks: EnvironmentMasks; lineage: LineageOfMasks; passedOn: Record<string, string[]> }> {
  if (!Object.keys(configured).length) return { masks: configured, lineage: {}, passedOn: {} };
  const reached = new Set(Object.keys(configured));
  const downstream = project.order.filter((name) => {
    const m = project.models.get(name)!;
    if (!reached.has(name) && m.parents.some((p) => reached.has(p))) reached.add(name);
    return reached.has(name) && m.parents.length > 0;
  });
  const facts = await lineageFacts(downstream.map((n) => project.models.get(n)!));
  const masks: EnvironmentMasks = { ...configured };
  const lineage: LineageOfMasks = {};
  const viewless: string[] = [];
  const passedOn: Record<string, string[]> = {};
  for (const name of downstream) {
    const model = project.models.get(name)!;
    const found = lineageMasks(facts.get(name) ?? null, model.parents.map((p) => masks[p] ?? {}));
    const own = configured[name] ?? {};
    // Columns that carry a parent's masked value as it is: a table built from masked parents holds them masked already.
    const carried = Object.keys(found.masks).filter((c) => found.masks[c] !== 'null' && (own[c] === undefined || stableStringify(own[c]) === stableStringify(found.masks[c])));
    if (carried.length) passedOn[name] = carried.sort();
    const added = Object.keys(found.masks).filter((c) => own[c] === undefined);
    if (!added.length) continue;
    masks[name] = { ...found.masks, ...own };
    // Models without an object of their own (EMBEDDED) pass masks on to their readers but have no view to mask.
    if (kindStrategy(model.kind).physical) lineage[name] = { columns: added.sort(), ...(found.opaque ? { opaque: found.opaque } : {}) };
    else if (!configured[name]) viewless.push(name);
  }
  for (const name of viewless) delete masks[name];
  return { masks, lineage, passedOn };
}

/**
 * The plan with the environment's masks, and with the views whose masks changed since the
 * environment was recorded among its view changes: masking is the environment's metadata,
 * not the models', so switching it re-creates views and never rebuilds a table.
 */
export function withMasks(plan: Plan, all: { masks: EnvironmentMasks; lineage: LineageOfMasks }, recorded: EnvironmentRecord | undefined): Plan {
  const before = recorded?.masks ?? {};
  const { lineage } = all;
  const masks = Object.fromEntries(Object.entries(all.masks).filter(([m]) => plan.target[m]));
  // Neither masked now nor when recorded: no view's masks change (every plan of an unsanitized environment).
  if (!Object.keys(masks).length && !Object.keys(before).length) return plan;
  // A masked model always has a view of the environment (also in a lean one): its readers go through it.
  const views = [...new Set([...plan.views, ...Object.keys(masks)])];
  // Sets, not array lookups: a view per model made this quadratic (10,000 models, 10^8 comparisons).
  const viewed = new Set(plan.views);
  const upserted = new Set(plan.viewChanges.upsert);
  const changed = views.filter((m) => (stableStringify(masks[m] ?? null) !== stableStringify(before[m] ?? null) || !viewed.has(m)) && !upserted.has(m));
  if (!Object.keys(masks).length && !changed.length) return plan;
  return { ...plan, masks, ...(Object.keys(lineage).length ? { lineage } : {}), views, viewChanges: { ...plan.viewChanges, upsert: [...plan.viewChanges.upsert, ...changed] } };
}


/**
 * The environment's snapshots as its ad-hoc readers (fetchdf) see them: a masked model
 * reads through the environment's masking view instead of its physical table.
 */
export function throughMaskingViews(env: EnvironmentRecord, byName: Map<string, Snapshot>): Map<string, Snapshot> {
  if (!env.masks || !Object.keys(env.masks).length) return byName;
  const out = new Map(byName);
  for (const model of Object.keys(env.masks)) {
    const s = byName.get(model);
    if (s) out.set(model, { ...s, physical: modelViewName(model, env.name, env.layout ?? 'schema-suffix') });
  }
  return out;
}

/**
 * The masking query of a view of a sanitized environment (any recorded one), or undefined
 * for a view that masks nothing: what a forward-only ALTER makes a dropped view again with.
 * Environments are read at the first call only.
 */
export function maskingViewQueries(engine: EngineAdapter, environments: () => Promise<EnvironmentRecord[]>): (view: TableName, table: TableName) => Promise<string | undefined> {
  let masked: Promise<Map<string, { model: string; masks: Record<string, MaskRule> }>> | undefined;
  const load = async () => {
    const out = new Map<string, { model: string; masks: Record<string, MaskRule> }>();
    for (const env of await environments()) {
      for (const [model, masks] of Object.entries(env.masks ?? {})) {
        const v = modelViewName(model, env.name, env.layout ?? 'schema-suffix');
        out.set(`${v.schema}.${v.table}`, { model, masks });
      }
    }
    return out;
  };
  return async (view, table) => {
    const found = (await (masked ??= load())).get(`${view.schema}.${view.table}`);
    return found ? maskedViewQuery(engine, found.model, table, found.masks, Object.keys(found.masks)) : undefined;
  };
}

/**
 * The view query over `table` with `masks` applied: every column, masked ones as their
 * mask's expression. A mask from the config must name a column of the table; those column
 * lineage added (`derived`) need not (a star passes on only some of the masked names), and
 * also mask the engine's renamed copies of their column (DuckDB's `email_1` beside `email`).
 * The key `*` masks every other column NULL.
 */
export async function maskedViewQuery(engine: EngineAdapter, model: string, table: TableName, masks: Record<string, MaskRule>, derived: readonly string[] = []): Promise<string> {
  return maskingSelect({ model, columns: await engine.columns(table), from: quoteTable(table), what: 'its table does not have; nothing was promoted' }, masks, derived);
}

/**
 * The masking SELECT itself, over `from` (a table, or a subquery with its alias) whose
 * output is `columns` (names and types as the engine's catalog reads them): what a view
 * of a sanitized environment runs, and what a masked build writes (plan/masked-build.ts).
 * `what` ends the error for a mask of a column `from` lacks.
 */
export function maskingSelect(
  over: { model: string; columns: readonly { name: string; type: string }[]; from: string; what: string },
  masks: Record<string, MaskRule>,
  derived: readonly string[] = [],
): string {
  const { model, columns } = over;
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  const lenient = new Set(derived);
  const missing = Object.keys(masks).filter((c) => !names.has(c) && !lenient.has(c));
  if (missing.length) {
    throw new InputError(`masking names column '${missing[0]}' of '${model}', which ${over.what}`, { code: 'invalid_masking', hint: `its columns: ${columns.map((c) => c.name).join(', ')}` });
  }
  const select = columns.map((c) => {
    const name = c.name.toLowerCase();
    const copy = /^(.*)_\d+$/.exec(name)?.[1];
    const rule = masks[name] ?? (copy !== undefined && lenient.has(copy) ? 'null' : undefined) ?? masks[EVERY_COLUMN];
    return rule === undefined ? quoteIdent(c.name) : `${maskExpression(quoteIdent(c.name), c.type, rule)} AS ${quoteIdent(c.name)}`;
  });
  return `SELECT ${select.join(', ')} FROM ${over.from}`;
}

/**
 * The masks a view (or a table-diff side) applies over `snapshot`'s table: the
 * environment's masks, less the columns a masked build (plan/masked-build.ts) already holds masked (a hash of
 * a hash would match nothing the environment's other views show).
 */
export function masksOver(snapshot: Snapshot, masks: Record<string, MaskRule>): Record<string, MaskRule> {
  if (!snapshot.premasked?.length) return masks;
  const skip = new Set(snapshot.premasked);
  return Object.fromEntries(Object.entries(masks).filter(([c]) => !skip.has(c)));
}

/** SQL both engines read: the masked value of `col` (already quoted). */
function maskExpression(col: string, type: string, rule: MaskRule): string {
  const text = `CAST(${col} AS VARCHAR)`;
  if (rule === 'hash') return numericHash(col, type) ?? `md5(${text})`;
  if (rule === 'redact') return `CASE WHEN ${col} IS NULL THEN NULL ELSE '[redacted]' END`;
  if (rule === 'null') return `CAST(NULL AS ${validateColumnType(type, col)})`;
  if ('expr' in rule) return `(${rule.expr})`;
  const { first = 0, last = 0 } = rule.partial;
  return `CASE WHEN ${col} IS NULL THEN NULL ELSE left(${text}, ${first}) || '***' || right(${text}, ${last}) END`;
}
