import { AUTO_RESTATEMENT_ARGS, readAutoRestatement } from './auto-restatement.js';
import { cronBatches } from './cron-batches.js';
import type { ModelKind } from '../model/model.js';
import type { KindStrategy } from './kind-strategy.js';

type UniqueKeyKind = Extract<ModelKind, { name: 'INCREMENTAL_BY_UNIQUE_KEY' }>;

/** INCREMENTAL_BY_UNIQUE_KEY: each batch's rows replace the rows with the same key (a merge). */
export const incrementalByUniqueKeyKind: KindStrategy<UniqueKeyKind> = {
  name: 'INCREMENTAL_BY_UNIQUE_KEY',
  properties: { required: ['unique_key'], optional: ['batch_size', 'forward_only', 'batch_concurrency', ...AUTO_RESTATEMENT_ARGS] },
  parse(args) {
    const concurrency = args.wholeNumber('batch_concurrency');
    // SQLMesh allows only 1 here: merges of one table cannot run side by side.
    if (concurrency !== undefined && concurrency !== 1) args.fail('batch_concurrency must be 1 for INCREMENTAL_BY_UNIQUE_KEY', 'batch_concurrency');
    return { name: 'INCREMENTAL_BY_UNIQUE_KEY', uniqueKey: args.names('unique_key'), batchSize: args.wholeNumber('batch_size'), ...readAutoRestatement(args, false) };
  },
  hasQuery: true,
  physical: 'table',
  reference: 'physical',
  bindsParents: false,
  forwardOnlyKeepsTable: true,
  readsItself: true,
  headerColumns: (kind) => kind.uniqueKey.map((name) => ({ property: 'unique_key', name })),
  create: (ctx) => ctx.ops.createEmptyTable(ctx.table, ctx.query()),
  intervals: {
    lookback: () => undefined,
    batches: (kind, missing, input) => cronBatches(input.schedule, missing, kind.batchSize),
    land(ctx) {
      const keys = ctx.kind.uniqueKey.map((k) => ctx.column(k, 'unique_key'));
      return ctx.ops.mergeByKeys(ctx.table, ctx.columns, keys, ctx.query, ctx.count);
    },
    buildsWholeInOneStatement: false,
    restatable: true,
  },
};
