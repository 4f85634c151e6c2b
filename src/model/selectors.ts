import { InputError } from '../errors.js';
import { reachable } from '../util/dag.js';
import { closestNames } from '../util/did-you-mean.js';

/**
 * Model selectors, one grammar for every command that takes a set of models (plan, run,
 * test, audit, table-diff), as in dbt and SQLMesh:
 *
 *   analytics.orders     one model
 *   'analytics.*'        a glob (`*` is any run of characters, `?` one character)
 *   tag:finance          the models tagged finance
 *   +analytics.orders    the model and everything upstream of it
 *   analytics.orders+    the model and everything downstream of it
 *
 * Several selectors (repeated flags, or one value split on spaces or commas) are a union;
 * `--exclude` takes the same grammar and removes what it matches.
 */
export interface Selector {
  text: string;
  upstream: boolean;
  downstream: boolean;
  match: { tag: string } | { pattern: string };
}

/** `--select` / `--exclude` as a command passes them on: selector texts. */
export interface ModelSelection {
  select?: string[];
  exclude?: string[];
}

/** What selectors are matched against: the models' names, parents and tags. */
export interface SelectorGraph {
  names: readonly string[];
  parents(name: string): readonly string[];
  tags(name: string): readonly string[];
}

const NAME = /^[a-z0-9_*?]+(\.[a-z0-9_*?]+)*$/i;

/** One selector's text as the grammar reads it; bad syntax is bad input (exit 2). */
export function parseSelector(text: string, option = '--select'): Selector {
  let body = text.trim();
  const upstream = body.startsWith('+');
  if (upstream) body = body.slice(1);
  const downstream = body.endsWith('+');
  if (downstream) body = body.slice(0, -1);
  const tag = /^tag:(.*)$/i.exec(body);
  const usage = { code: 'invalid_selector', hint: "selectors: schema.model, 'schema.*', tag:NAME, +MODEL (with upstream), MODEL+ (with downstream)" };
  if (tag) {
    if (!/^[a-z0-9_-]+$/i.test(tag[1])) throw new InputError(`${option} '${text}': a tag is letters, digits, '_' or '-'`, usage);
    return { text, upstream, downstream, match: { tag: tag[1].toLowerCase() } };
  }
  if (!NAME.test(body)) throw new InputError(`${option} '${text}' is not a selector`, usage);
  return { text, upstream, downstream, match: { pattern: body.toLowerCase() } };
}

/** The selectors in flag values: each value may hold several, split on spaces or commas. */
export function parseSelectors(values: readonly string[] | undefined, option = '--select'): Selector[] {
  return (values ?? []).flatMap((v) => String(v).split(/[\s,]+/)).filter(Boolean).map((t) => parseSelector(t, option));
}

/** The models one selector names, with its upstream or downstream; none is bad input with a did-you-mean. */
export function matchSelector(graph: SelectorGraph, selector: Selector, option = '--select'): Set<string> {
  const { match } = selector;
  let hits: string[];
  if ('tag' in match) {
    hits = graph.names.filter((n) => graph.tags(n).some((t) => t.toLowerCase() === match.tag));
  } else {
    const re = globRegExp(match.pattern);
    hits = graph.names.filter((n) => re.test(n.toLowerCase()));
  }
  if (!hits.length) throw matchesNothing(graph, selector, option);
  const picked = new Set(hits);
  if (selector.upstream) for (const n of reachable(hits, (n) => graph.parents(n))) picked.add(n);
  if (selector.downstream) {
    const children = childrenOf(graph);
    for (const n of reachable(hits, (n) => children.get(n) ?? [])) picked.add(n);
  }
  return picked;
}

/**
 * The models `select` names (every model when it is empty) less those `exclude` names.
 * Every selector must match a model: a typo is refused, never an empty or a full set.
 */
export function selectModels(graph: SelectorGraph, select: readonly string[] | undefined, exclude?: readonly string[], options: { select?: string; exclude?: string } = {}): Set<string> {
  const sel = parseSelectors(select, options.select ?? '--select');
  const exc = parseSelectors(exclude, options.exclude ?? '--exclude');
  const picked = sel.length ? new Set(sel.flatMap((s) => [...matchSelector(graph, s, options.select ?? '--select')])) : new Set(graph.names);
  for (const s of exc) for (const n of matchSelector(graph, s, options.exclude ?? '--exclude')) picked.delete(n);
  return picked;
}

/** True when the selection holds a selector. */
export function isSelective(selection: ModelSelection | undefined): boolean {
  return Boolean(selection?.select?.length || selection?.exclude?.length);
}

/** The graph of models that have definitions of their own (a project's or an environment's snapshots). */
export function graphOf(models: Iterable<{ name: string; parents: readonly string[]; tags: readonly string[] }>): SelectorGraph {
  const byName = new Map([...models].map((m) => [m.name, m]));
  return { names: [...byName.keys()].sort(), parents: (n) => byName.get(n)?.parents ?? [], tags: (n) => byName.get(n)?.tags ?? [] };
}

/** A stored snapshot (or anything with `parents` as a map and a model's tags) as `graphOf` reads it. */
export function snapshotNode(s: { name: string; parents: Record<string, unknown>; model: { tags?: string[] } }) {
  return { name: s.name, parents: Object.keys(s.parents), tags: s.model.tags ?? [] };
}

function globRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function childrenOf(graph: SelectorGraph): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const n of graph.names) for (const p of graph.parents(n)) children.set(p, [...(children.get(p) ?? []), n]);
  return children;
}

function matchesNothing(graph: SelectorGraph, selector: Selector, option: string): InputError {
  const { match } = selector;
  let hint: string;
  if ('tag' in match) {
    const tags = [...new Set(graph.names.flatMap((n) => graph.tags(n).map((t) => t.toLowerCase())))].sort();
    const close = closestNames(match.tag, tags);
    hint = close.length ? `did you mean ${close.map((t) => `tag:${t}`).join(' or ')}?` : tags.length ? `tags: ${tags.join(', ')}` : 'no model has a tag (MODEL (... tags (a, b)))';
  } else {
    const close = closestNames(match.pattern, graph.names);
    const schemas = [...new Set(graph.names.map((n) => n.split('.')[0]))].sort();
    hint = close.length ? `did you mean ${close.join(' or ')}?` : `models are named schema.table; schemas: ${schemas.slice(0, 12).join(', ')}`;
  }
  return new InputError(`${option} '${selector.text}' matches no model`, { code: 'unknown_model', hint });
}
