import { InputError } from '../errors.js';
import type { Project } from '../model/load-project.js';
import type { Model } from '../model/model.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { reachable, topologicalOrder } from '../util/dag.js';

/**
 * `plan --select-model`: which models' local definitions a plan takes. The selected ones
 * (names, or patterns with `*` such as `analytics.*`) and the models they read from;
 * every other model keeps the definition the environment holds, so its local edits wait
 * for a later plan, while a change upstream still reaches it as an indirect change.
 */
export function selectedModels(project: Project, before: Record<string, string>, patterns: readonly string[]): Set<string> {
  const names = new Set([...project.models.keys(), ...Object.keys(before)]);
  const picked = new Set<string>();
  for (const pattern of patterns) {
    const re = new RegExp(`^${pattern.toLowerCase().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const hits = [...names].filter((n) => re.test(n));
    if (!hits.length) {
      throw new InputError(`--select-model '${pattern}' matches no model`, { code: 'unknown_model', hint: `models: ${[...names].sort().slice(0, 12).join(', ')}` });
    }
    for (const h of hits) picked.add(h);
  }
  const parents = (n: string) => project.models.get(n)?.parents ?? [];
  for (const up of reachable(picked, parents)) picked.add(up);
  return picked;
}

/**
 * The project a selective plan compares: selected models as written locally, the others
 * as the environment's snapshots define them (kept even if deleted locally; left out if
 * new locally).
 */
export function restrictProject(project: Project, selected: ReadonlySet<string>, stored: ReadonlyMap<string, Snapshot>): Project {
  const models = new Map<string, Model>();
  for (const [name, model] of project.models) if (selected.has(name)) models.set(name, model);
  for (const [name, snapshot] of stored) if (!selected.has(name)) models.set(name, modelOf(snapshot));
  for (const [name, model] of models) {
    const missing = model.parents.find((p) => !models.has(p));
    if (missing) {
      throw new InputError(`--select-model: ${name} (not selected) still reads ${missing}, which the selection removes or leaves out`, {
        code: 'invalid_selection',
        hint: `select ${name} too, or leave ${missing} out of the selection`,
      });
    }
  }
  const sorted = topologicalOrder([...models.keys()].sort(), (n) => models.get(n)!.parents);
  if ('cycle' in sorted) throw new InputError(`the selected models form a cycle with the environment's: ${sorted.cycle.join(' -> ')}`, { code: 'cycle' });
  return { models, order: sorted.order, externals: project.externals };
}

/** A model as a stored snapshot defines it, as the planner's pure stages read it. */
function modelOf(s: Snapshot): Model {
  const m = s.model;
  return {
    ...m,
    queryOffset: 0,
    enabled: true,
    parents: Object.keys(s.parents).sort(),
    externals: m.externals ?? [],
    references: m.references,
    macros: m.macros,
    shape: m.shape,
    variables: m.variables,
  };
}
