import type { KindStrategy } from './kind-strategy.js';

/**
 * FULL: a table rebuilt whole whenever an interval is due; its intervals only say when it
 * was last refreshed. A batch replaces every row.
 */
export const fullKind: KindStrategy<{ name: 'FULL' }> = {
  name: 'FULL',
  properties: { required: [], optional: [] },
  parse: () => ({ name: 'FULL' }),
  hasQuery: true,
  physical: 'table',
  reference: 'physical',
  bindsParents: false,
  forwardOnlyKeepsTable: true,
  headerColumns: () => [],
  create: (ctx) => ctx.ops.createEmptyTable(ctx.table, ctx.query()),
  intervals: {
    lookback: () => undefined,
    // One batch from the model's start (or all time) to the last missing interval's end.
    batches: (_kind, missing, input) => [{ start: input.start ?? 0, end: missing[missing.length - 1].end, intervals: [...missing] }],
    land: (ctx) => ctx.ops.replaceRows(ctx.table, ctx.columns, ctx.query, ctx.count),
    buildsWholeInOneStatement: true,
    restatable: true,
  },
};
