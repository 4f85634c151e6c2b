import type { ModelKind } from '../model/model.js';
import type { KindStrategy } from './kind-strategy.js';
import { readScd2Settings, SCD2_OPTIONAL, scd2Common } from './scd-type-2-settings.js';

type ByColumnKind = Extract<ModelKind, { name: 'SCD_TYPE_2_BY_COLUMN' }>;

/**
 * SCD_TYPE_2_BY_COLUMN: a row whose `columns` (or any column, `*`) differ from the
 * current version's closes that version at the run's time (or `updated_at_name`'s) and
 * opens a new one; history is kept across runs.
 */
export const scdType2ByColumnKind: KindStrategy<ByColumnKind> = {
  name: 'SCD_TYPE_2_BY_COLUMN',
  properties: { required: ['unique_key', 'columns'], optional: [...SCD2_OPTIONAL, 'execution_time_as_valid_from', 'updated_at_name'] },
  parse(args) {
    const columns = args.namesOrStar('columns');
    return {
      name: 'SCD_TYPE_2_BY_COLUMN',
      ...readScd2Settings(args),
      columns: columns === '*' ? '*' : columns.map((c) => c.toLowerCase()),
      executionTimeAsValidFrom: args.boolean('execution_time_as_valid_from') ?? false,
      updatedAtName: args.has('updated_at_name') ? args.text('updated_at_name').toLowerCase() : undefined,
    };
  },
  headerColumns: (kind) => [
    ...kind.uniqueKey.map((name) => ({ property: 'unique_key', name })),
    ...(kind.columns === '*' ? [] : kind.columns.map((name) => ({ property: 'columns', name }))),
    ...(kind.updatedAtName ? [{ property: 'updated_at_name', name: kind.updatedAtName }] : []),
  ],
  ...scd2Common<ByColumnKind>((ctx) => {
    const { kind } = ctx;
    const validity = [kind.validFromName, kind.validToName];
    // `*`: every column the source brings (the key included: equal by the join anyway).
    const check = kind.columns === '*' ? ctx.columns.filter((c) => !validity.includes(c)) : kind.columns.map((c) => ctx.column(c, 'columns'));
    return {
      by: 'column',
      check,
      executionTimeAsValidFrom: kind.executionTimeAsValidFrom,
      updatedAt: kind.updatedAtName ? ctx.column(kind.updatedAtName, 'updated_at_name') : undefined,
    };
  }),
};
