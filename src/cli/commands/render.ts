import { Context } from '../../context.js';
import { InputError } from '../../errors.js';
import { renderPlannedModel } from '../../lifecycle/render-model.js';
import type { RenderTimes } from '../../model/render.js';
import { PROD } from '../../snapshot/virtual-names.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

export interface RenderOptions extends GlobalOptions {
  model: string;
  environment?: string;
  /** First and last day (inclusive) to render time macros for; default the model's whole range. */
  start?: string;
  end?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(text: string, option: string): Date {
  const d = new Date(`${text}T00:00:00Z`);
  if (!DAY.test(text) || Number.isNaN(d.getTime())) throw new InputError(`--${option} '${text}' is not a date: use YYYY-MM-DD`);
  return d;
}

/** `planner render MODEL [--env ENV]`: the local model's query as planning ENV would run it. */
export async function renderCommand(opts: RenderOptions, io: CliIO): Promise<number> {
  const environment = validateEnvironmentName(opts.environment ?? PROD);
  let range: Omit<RenderTimes, 'execution'> | undefined;
  if (opts.start || opts.end) {
    if (!opts.start || !opts.end) throw new InputError('--start and --end go together');
    const start = parseDay(opts.start, 'start');
    const end = new Date(parseDay(opts.end, 'end').getTime() + 86_400_000);
    if (end <= start) throw new InputError(`--end ${opts.end} is before --start ${opts.start}`);
    range = { start, end };
  }
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, environment);
  try {
    if (opts.environment) await ctx.requireEnvironment(environment);
    const plan = await ctx.plan(environment, { allowRevert: true });
    const { snapshot, query } = renderPlannedModel(plan, opts.model, ctx.now(), range && { ...range, execution: ctx.now() });
    const kind = snapshot.model.kind;
    if (opts.json) {
      io.out(jsonText({ model: snapshot.name, environment, kind: kind.name, table: `${snapshot.physical.schema}.${snapshot.physical.table}`, query }));
    } else if (query === null) {
      // Kinds without a query load a project file (SEED) or are a table outside the project (EXTERNAL).
      const source = snapshot.model.seedPath !== undefined ? `: it loads ${snapshot.model.seedPath}` : ': it is a table outside the project';
      io.out(`-- ${snapshot.name} is ${/^[AEIOU]/.test(kind.name) ? 'an' : 'a'} ${kind.name} model and has no query${source}`);
    } else {
      io.out(query.trim());
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

export const renderSpec = defineCommand({
  command: 'render <model>',
  describe: 'print a model\'s query as it will run, with references resolved to tables',
  examples: [
    ["planner render analytics.daily_revenue", "the query as prod would run it"],
    ["planner render analytics.daily_revenue --start 2024-01-01 --end 2024-01-31", "with time macros for January"],
  ],
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'model name, schema.table' })
      .option('env', { type: 'string', describe: 'environment the query is planned for (default prod)' })
      .option('start', { type: 'string', describe: 'first day for time macros (YYYY-MM-DD)' })
      .option('end', { type: 'string', describe: 'last day for time macros (YYYY-MM-DD)' }),
  handler: (args, io) => renderCommand({ ...args, environment: args.env }, io),
});
