import { Context } from '../../context.js';
import { createExternalModels } from '../../lifecycle/create-external-models.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

/** `planner create-external-models`: writes external_models.yaml from the warehouse's catalog. */
export async function createExternalModelsCommand(opts: GlobalOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway });
  try {
    const report = await createExternalModels(await ctx.loadProject(), ctx.engine, ctx.config.projectDir, ctx.gatewayName);
    if (opts.json) io.out(jsonText(report));
    else {
      io.out(`Wrote ${report.file}: ${report.written.length} table${report.written.length === 1 ? '' : 's'} from the warehouse.`);
      for (const w of report.written) io.out(`  ${w.name} (${w.columns} columns)`);
      if (report.missing.length) io.err(`Not in the warehouse (declare them by hand, or create them): ${report.missing.join(', ')}`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

export const createExternalModelsSpec = defineCommand({
  command: 'create-external-models',
  describe: 'write external_models.yaml (names, columns, types) from the warehouse for every table the models read that is not a model',
  examples: [
    ["planner create-external-models", "declare the tables the models read from the warehouse's catalog"],
  ],
  builder: (y) => y,
  handler: (args, io) => createExternalModelsCommand(args, io),
});
