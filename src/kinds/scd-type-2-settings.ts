import type { Scd2Change, Scd2Merge } from '../engine/scd-type-2-sql.js';
import { validateColumnType } from '../util/column-types.js';
import { InputError } from '../errors.js';
import type { ModelKind, ScdType2Settings } from '../model/model.js';
import type { BatchContext, KindArgs, KindBatch, KindStrategy } from './kind-strategy.js';

/** The arguments both SCD Type 2 kinds take, as SQLMesh names them. */
export const SCD2_OPTIONAL = ['valid_from_name', 'valid_to_name', 'invalidate_hard_deletes', 'time_data_type', 'batch_size', 'forward_only'];

/** Reads the shared settings, with SQLMesh's defaults (valid_from, valid_to, TIMESTAMP, deletes not invalidated). */
export function readScd2Settings(args: KindArgs): ScdType2Settings {
  if (args.has('batch_size')) args.wholeNumber('batch_size');
  let timeDataType = 'TIMESTAMP';
  if (args.has('time_data_type')) {
    try {
      timeDataType = validateColumnType(args.text('time_data_type'), 'time_data_type').toUpperCase();
    } catch (err) {
      if (err instanceof InputError) args.fail(`time_data_type: ${err.message}`, 'time_data_type');
      throw err;
    }
  }
  return {
    uniqueKey: args.names('unique_key').map((k) => k.toLowerCase()),
    validFromName: args.has('valid_from_name') ? args.text('valid_from_name').toLowerCase() : 'valid_from',
    validToName: args.has('valid_to_name') ? args.text('valid_to_name').toLowerCase() : 'valid_to',
    invalidateHardDeletes: args.boolean('invalidate_hard_deletes') ?? false,
    timeDataType,
  };
}

/** The parts both SCD Type 2 strategies share: the table has the query's columns plus the two validity columns. */
export function scd2Common<K extends Extract<ModelKind, { name: 'SCD_TYPE_2_BY_TIME' | 'SCD_TYPE_2_BY_COLUMN' }>>(
  change: (ctx: BatchContext<K>) => Scd2Change,
): Pick<KindStrategy<K>, 'hasQuery' | 'physical' | 'reference' | 'bindsParents' | 'forwardOnlyKeepsTable' | 'forwardOnlyByDefault' | 'managedColumns' | 'create' | 'intervals'> {
  const validity = (kind: K) => [
    { name: kind.validFromName, type: kind.timeDataType },
    { name: kind.validToName, type: kind.timeDataType },
  ];
  return {
    hasQuery: true,
    physical: 'table',
    reference: 'physical',
    bindsParents: false,
    // History cannot be recomputed from the source: a change keeps the table, as in SQLMesh.
    forwardOnlyKeepsTable: true,
    forwardOnlyByDefault: true,
    managedColumns: validity,
    create: (ctx) => ctx.ops.createEmptyTable(ctx.table, ctx.query(), validity(ctx.kind)),
    intervals: {
      lookback: () => undefined,
      // The query reads the source as it is now: one merge per run, however many intervals are due.
      batches: (_kind, missing): KindBatch[] => [{ start: missing[0].start, end: missing[missing.length - 1].end, intervals: [...missing] }],
      land(ctx) {
        const { kind } = ctx;
        const validFrom = ctx.column(kind.validFromName, 'valid_from_name');
        const validTo = ctx.column(kind.validToName, 'valid_to_name');
        const merge: Scd2Merge = {
          table: ctx.table,
          query: ctx.query,
          columns: ctx.columns.filter((c) => c !== validFrom && c !== validTo),
          keys: kind.uniqueKey.map((k) => ctx.column(k, 'unique_key')),
          validFrom,
          validTo,
          timeType: kind.timeDataType,
          execution: ctx.execution,
          invalidateHardDeletes: kind.invalidateHardDeletes,
          change: change(ctx),
        };
        return ctx.ops.mergeHistory(merge, ctx.count);
      },
      buildsWholeInOneStatement: false,
      // Recomputing would rebuild history from the source as it is now, losing what it recorded.
      restatable: false,
    },
  };
}
