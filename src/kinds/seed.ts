import type { ModelKind } from '../model/model.js';
import { readCsvSettings } from './csv-settings.js';
import type { KindStrategy } from './kind-strategy.js';

/** SEED: a table loaded from a CSV file of the project; the file's content is part of its version. */
export const seedKind: KindStrategy<Extract<ModelKind, { name: 'SEED' }>> = {
  name: 'SEED',
  // `batch_size` is accepted for SQLMesh compatibility; a seed loads in one statement.
  properties: { required: ['path'], optional: ['batch_size', 'csv_settings'] },
  parse(args) {
    const csv = readCsvSettings(args);
    return csv ? { name: 'SEED', path: args.text('path'), csv } : { name: 'SEED', path: args.text('path') };
  },
  hasQuery: false,
  dataFile: { path: (kind) => kind.path, withPath: (kind, path) => ({ ...kind, path }), csvSettings: (kind) => kind.csv },
  columnsDeclared: true,
  physical: 'table',
  reference: 'physical',
  bindsParents: false,
  forwardOnlyKeepsTable: false,
  headerColumns: () => [],
  async create(ctx) {
    if (!ctx.seedFile) throw new Error(`seed ${ctx.table.schema}.${ctx.table.table} has no resolved file`);
    await ctx.ops.loadCsv(ctx.table, ctx.seedFile, ctx.columns, ctx.kind.csv);
  },
  intervals: null,
};
