import { AUTO_RESTATEMENT_ARGS, AUTO_RESTATEMENT_INTERVALS_ARG, readAutoRestatement } from './auto-restatement.js';
import { cronBatches } from './cron-batches.js';
import type { ModelKind } from '../model/model.js';
import type { KindStrategy } from './kind-strategy.js';

type TimeRangeKind = Extract<ModelKind, { name: 'INCREMENTAL_BY_TIME_RANGE' }>;

/**
 * INCREMENTAL_BY_TIME_RANGE: each batch replaces its own range of `time_column`, so a
 * batch computed again (restatement, lookback) never duplicates rows.
 */
export const incrementalByTimeRangeKind: KindStrategy<TimeRangeKind> = {
  name: 'INCREMENTAL_BY_TIME_RANGE',
  properties: { required: ['time_column'], optional: ['batch_size', 'lookback', 'forward_only', 'batch_concurrency', 'partition_by_time_column', ...AUTO_RESTATEMENT_ARGS, AUTO_RESTATEMENT_INTERVALS_ARG] },
  parse(args) {
    const { column, format } = args.columnWithFormat('time_column');
    return {
      name: 'INCREMENTAL_BY_TIME_RANGE',
      timeColumn: column,
      timeFormat: format,
      batchSize: args.wholeNumber('batch_size'),
      lookback: args.wholeNumber('lookback'),
      batchConcurrency: args.wholeNumber('batch_concurrency'),
      partitionByTimeColumn: args.boolean('partition_by_time_column'),
      ...readAutoRestatement(args, true),
    };
  },
  hasQuery: true,
  physical: 'table',
  reference: 'physical',
  bindsParents: false,
  forwardOnlyKeepsTable: true,
  readsItself: true,
  headerColumns: (kind) => [{ property: 'time_column', name: kind.timeColumn }],
  // SQLMesh: a partitioned table of this kind is partitioned by its time column first,
  // unless `partition_by_time_column false`. Only where partitioned_by is written: a table
  // with just a DEFAULT partition gains no pruning, so planner partitions none by default.
  partitionKey: (kind, written) =>
    kind.partitionByTimeColumn === false || written.includes(kind.timeColumn.toLowerCase()) ? [...written] : [kind.timeColumn.toLowerCase(), ...written],
  create: (ctx) => ctx.ops.createEmptyTable(ctx.table, ctx.query()),
  intervals: {
    lookback: (kind) => kind.lookback,
    batches: (kind, missing, input) => cronBatches(input.schedule, missing, kind.batchSize),
    land(ctx) {
      const column = ctx.column(ctx.kind.timeColumn, 'time_column');
      const range = { column, start: ctx.batch.start, end: ctx.batch.end, format: ctx.kind.timeFormat };
      return ctx.ops.replaceRange(ctx.table, ctx.columns, range, ctx.query, ctx.count);
    },
    buildsWholeInOneStatement: false,
    restatable: true,
  },
};
