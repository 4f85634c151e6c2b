import type { EnvironmentSide } from '../lifecycle/environment-diff.js';
import { viewName, type VirtualLayout } from '../snapshot/virtual-names.js';

/** One view of an environment and the physical table it reads. */
export interface ReviewView {
  model: string;
  /** `schema.table` of the view, as the project's virtual layout names it. */
  view: string;
  table: string;
  /** The side it is compared with reads the very same table (nothing was built for this environment). */
  shared: boolean;
}

/**
 * The environment picture: each view of `environment` and whether it points at a table the
 * other side also reads (shared) or at one of its own. View names come from the virtual
 * layout only.
 */
export function environmentViews(environment: string, layout: VirtualLayout, models: readonly string[], side: EnvironmentSide, other: EnvironmentSide | null): ReviewView[] {
  return [...models].sort().flatMap((model) => {
    const s = side.snapshots.get(model);
    if (!s) return [];
    const v = viewName(s.model.schema, s.model.table, environment, layout);
    const table = `${s.physical.schema}.${s.physical.table}`;
    const theirs = other?.snapshots.get(model);
    const shared = !!theirs && `${theirs.physical.schema}.${theirs.physical.table}` === table;
    return [{ model, view: `${v.schema}.${v.table}`, table, shared }];
  });
}
