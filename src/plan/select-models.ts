import { InputError } from '../errors.js';
import type { Project } from '../model/load-project.js';
import type { Model } from '../model/model.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { selectModels } from '../model/selectors.js';
import { reachable, topologicalOrder } from '../util/dag.js';

/**
 * `plan --select` (or `--select-model`): which models' local definitions a plan takes. The
 * selected ones (model/selectors.ts: names, globs, tags, +upstream, downstream+, less
 * `--exclude`) and the models they read from; every other model keeps the definition the
 * environment holds, so its local edits wait for a later plan, while a change upstream
 * still reaches it as an indirect change. An excluded model is never added back as a
 * parent: it keeps the environment's definition.
 */
export function selectedModels(project: Project, before: Record<string, string>, select: readonly string[], exclude: readonly string[] = []): Set<string> {
  const names = [...new Set([...project.models.keys(), ...Object.keys(before)])].sort();
  const graph = { names, parents: (n: string) => project.models.get(n)?.parents ?? [], tags: (n: string) => project.models.get(n)?.tags ?? [] };
  const picked = selectModels(graph, select, exclude);
  const excluded = exclude.length ? selectModels(graph, exclude, [], { select: '--exclude' }) : new Set<string>();
  for (const up of reachable(picked, graph.parents)) if (!excluded.has(up)) picked.add(up);
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
      throw new InputError(`--select: ${name} (not selected) still reads ${missing}, which the selection removes or leaves out`, {
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
