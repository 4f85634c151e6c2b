import { Context } from '../../context.js';
import { InputError } from '../../errors.js';
import { renderPlannedModel, type RenderedModel } from '../../lifecycle/render-model.js';
import type { RenderTimes } from '../../model/render.js';
import { graphOf, selectModels, snapshotNode } from '../../model/selectors.js';
import { PROD } from '../../snapshot/virtual-names.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';
import { EXCLUDE_OPTION } from './select-options.js';

export interface RenderOptions extends GlobalOptions {
  /** One model's name, or selectors (globs, tag:, +upstream, downstream+): each selected model is printed. */
  model: string | string[];
  exclude?: string[];
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
    const times = range && { ...range, execution: ctx.now() };
    const args = [opts.model].flat();
    // One name without selector syntax keeps render's own did-you-mean; anything else is read as selectors.
    const single = args.length === 1 && !opts.exclude?.length && !/[*?+:,\s]/.test(args[0]);
    const names = single ? [args[0]] : [...selectModels(graphOf(Object.values(plan.snapshots).filter((s) => plan.target[s.name] === s.id).map(snapshotNode)), args, opts.exclude, { select: 'render' })].sort();
    const rendered = await Promise.all(names.map((n) => renderPlannedModel(plan, n, ctx.now(), ctx.engine, times)));
    const json = (r: RenderedModel) => ({ model: r.snapshot.name, environment, kind: r.snapshot.model.kind.name, table: `${r.snapshot.physical.schema}.${r.snapshot.physical.table}`, query: r.query });
    if (opts.json) io.out(jsonText(single ? json(rendered[0]) : { models: rendered.map(json) }));
    else io.out(rendered.map((r) => (single ? text(r) : `-- ${r.snapshot.name}\n${text(r)}`)).join('\n\n'));
    return 0;
  } finally {
    await ctx.close();
  }
}

function text({ snapshot, query }: RenderedModel): string {
  const kind = snapshot.model.kind;
  if (query !== null) return query.trim();
  // Kinds without a query load a project file (SEED) or are a table outside the project (EXTERNAL).
  const source = snapshot.model.seedPath !== undefined ? `: it loads ${snapshot.model.seedPath}` : ': it is a table outside the project';
  return `-- ${snapshot.name} is ${/^[AEIOU]/.test(kind.name) ? 'an' : 'a'} ${kind.name} model and has no query${source}`;
}

export const renderSpec = defineCommand({
  command: 'render <model..>',
  describe: 'print a model\'s query as it will run, with references resolved to tables',
  examples: [
    ["planner render analytics.daily_revenue", "the query as prod would run it"],
    ["planner render analytics.daily_revenue --start 2024-01-01 --end 2024-01-31", "with time macros for January"],
    ["planner render 'analytics.*' --exclude tag:slow", "every selected model, each under a -- name line"],
  ],
  builder: (y) =>
    y
      .positional('model', { type: 'string', array: true, demandOption: true, describe: "model name (schema.table) or selectors: 'schema.*', tag:NAME, +NAME, NAME+" })
      .option('exclude', EXCLUDE_OPTION)
      .option('env', { type: 'string', describe: 'environment the query is planned for (default prod)' })
      .option('start', { type: 'string', describe: 'first day for time macros (YYYY-MM-DD)' })
      .option('end', { type: 'string', describe: 'last day for time macros (YYYY-MM-DD)' }),
  handler: (args, io) => renderCommand({ ...args, environment: args.env }, io),
});
