import type { ModelKind } from '../model/model.js';
import type { KindBatch, KindStrategy } from './kind-strategy.js';

type UnmanagedKind = Extract<ModelKind, { name: 'INCREMENTAL_UNMANAGED' }>;

/**
 * INCREMENTAL_UNMANAGED: every run appends the query's rows (or, with `insert_overwrite`,
 * replaces them all); no time range filters them, so the query decides what is new. Its
 * intervals only say when it last ran. Forward-only and not restatable, as in SQLMesh.
 */
export const incrementalUnmanagedKind: KindStrategy<UnmanagedKind> = {
  name: 'INCREMENTAL_UNMANAGED',
  properties: { required: [], optional: ['insert_overwrite', 'forward_only'] },
  parse: (args) => ({ name: 'INCREMENTAL_UNMANAGED', insertOverwrite: args.boolean('insert_overwrite') ?? false }),
  hasQuery: true,
  physical: 'table',
  reference: 'physical',
  bindsParents: false,
  forwardOnlyKeepsTable: true,
  readsItself: true,
  forwardOnlyByDefault: true,
  headerColumns: () => [],
  create: (ctx) => ctx.ops.createEmptyTable(ctx.table, ctx.query()),
  intervals: {
    lookback: () => undefined,
    batches: (_kind, missing): KindBatch[] => [{ start: missing[0].start, end: missing[missing.length - 1].end, intervals: [...missing] }],
    land: (ctx) =>
      ctx.kind.insertOverwrite ? ctx.ops.replaceRows(ctx.table, ctx.columns, ctx.query, ctx.count) : ctx.ops.appendRows(ctx.table, ctx.columns, ctx.query, ctx.count),
    buildsWholeInOneStatement: false,
    restatable: false,
  },
};
