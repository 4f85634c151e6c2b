import type { ModelKind } from '../model/model.js';
import type { KindStrategy } from './kind-strategy.js';
import { readScd2Settings, SCD2_OPTIONAL, scd2Common } from './scd-type-2-settings.js';

type ByTimeKind = Extract<ModelKind, { name: 'SCD_TYPE_2_BY_TIME' }>;

/**
 * SCD_TYPE_2_BY_TIME (and SQLMesh's alias SCD_TYPE_2): a row whose `updated_at_name` is
 * newer than the current version's closes that version at its update time and opens a
 * new one; history is kept across runs.
 */
export const scdType2ByTimeKind: KindStrategy<ByTimeKind> = {
  name: 'SCD_TYPE_2_BY_TIME',
  properties: { required: ['unique_key'], optional: [...SCD2_OPTIONAL, 'updated_at_name', 'updated_at_as_valid_from'] },
  parse: (args) => ({
    name: 'SCD_TYPE_2_BY_TIME',
    ...readScd2Settings(args),
    updatedAtName: args.has('updated_at_name') ? args.text('updated_at_name').toLowerCase() : 'updated_at',
    updatedAtAsValidFrom: args.boolean('updated_at_as_valid_from') ?? false,
  }),
  headerColumns: (kind) => [...kind.uniqueKey.map((name) => ({ property: 'unique_key', name })), { property: 'updated_at_name', name: kind.updatedAtName }],
  ...scd2Common<ByTimeKind>((ctx) => ({
    by: 'time',
    updatedAt: ctx.column(ctx.kind.updatedAtName, 'updated_at_name'),
    updatedAtAsValidFrom: ctx.kind.updatedAtAsValidFrom,
  })),
};
