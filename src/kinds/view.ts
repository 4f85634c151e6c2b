import type { KindStrategy } from './kind-strategy.js';

/** VIEW: a view in the physical layer; it names its parents' tables, so it follows their versions. */
export const viewKind: KindStrategy<{ name: 'VIEW' }> = {
  name: 'VIEW',
  // `materialized` is accepted for SQLMesh compatibility and has no effect.
  properties: { required: [], optional: ['materialized'] },
  parse: () => ({ name: 'VIEW' }),
  hasQuery: true,
  physical: 'view',
  reference: 'physical',
  bindsParents: true,
  forwardOnlyKeepsTable: false,
  headerColumns: () => [],
  create: (ctx) => ctx.ops.createView(ctx.table, ctx.query()),
  intervals: null,
};
