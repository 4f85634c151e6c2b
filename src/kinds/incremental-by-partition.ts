import { AUTO_RESTATEMENT_ARGS, readAutoRestatement } from './auto-restatement.js';
import { cronBatches } from './cron-batches.js';
import type { ModelKind } from '../model/model.js';
import type { KindStrategy } from './kind-strategy.js';

type PartitionKind = Extract<ModelKind, { name: 'INCREMENTAL_BY_PARTITION' }>;

/**
 * INCREMENTAL_BY_PARTITION: the MODEL's `partitioned_by` columns name a partition; each
 * batch replaces every partition its rows bring (all their old rows go, even those the
 * batch no longer has) and leaves the others alone. Always forward-only, as in SQLMesh.
 */
export const incrementalByPartitionKind: KindStrategy<PartitionKind> = {
  name: 'INCREMENTAL_BY_PARTITION',
  // SQLMesh reads the partition columns from the MODEL's partitioned_by, not from the kind.
  properties: { required: [], optional: ['forward_only', ...AUTO_RESTATEMENT_ARGS], model: ['partitioned_by'] },
  parse(args) {
    if (args.has('forward_only')) args.fail('INCREMENTAL_BY_PARTITION models are always forward-only: remove forward_only', 'forward_only');
    if (!args.has('partitioned_by')) args.fail('INCREMENTAL_BY_PARTITION needs partitioned_by in MODEL (...): the columns whose values name a partition');
    const partitionedBy = args.names('partitioned_by', 'here partitions are named by columns the query outputs: compute an expression as a column of the query');
    return { name: 'INCREMENTAL_BY_PARTITION', partitionedBy, ...readAutoRestatement(args, false) };
  },
  hasQuery: true,
  physical: 'table',
  reference: 'physical',
  bindsParents: false,
  forwardOnlyKeepsTable: true,
  readsItself: true,
  forwardOnlyByDefault: true,
  headerColumns: (kind) => kind.partitionedBy.map((name) => ({ property: 'partitioned_by', name })),
  create: (ctx) => ctx.ops.createEmptyTable(ctx.table, ctx.query()),
  intervals: {
    lookback: () => undefined,
    batches: (_kind, missing, input) => cronBatches(input.schedule, missing, undefined),
    land(ctx) {
      const partition = ctx.kind.partitionedBy.map((c) => ctx.column(c, 'partitioned_by'));
      return ctx.ops.replacePartitions(ctx.table, ctx.columns, partition, ctx.query, ctx.count);
    },
    buildsWholeInOneStatement: false,
    // Restating recomputes the restated intervals, replacing the partitions they bring.
    restatable: true,
  },
};
