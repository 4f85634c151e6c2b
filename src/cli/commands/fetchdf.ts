import { Context } from '../../context.js';
import type { CliIO } from '../io.js';
import { jsonValue, renderTable } from '../render/table.js';
import { defineCommand } from '../command-spec.js';
import type { GlobalOptions } from './global-options.js';

export interface FetchdfOptions extends GlobalOptions {
  sql: string;
  environment?: string;
  /** Let the query change the warehouse; without it, it runs read-only. */
  write?: boolean;
}

/** `planner fetchdf SQL [--env ENV] [--write]`: run a query with ENV's model names resolved, read-only unless --write. */
export async function fetchdfCommand(opts: FetchdfOptions, io: CliIO): Promise<number> {
  const environment = opts.environment ?? 'prod';
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, environment);
  try {
    const result = await ctx.fetch(opts.sql, environment, { write: opts.write });
    if (opts.json) {
      const rows = result.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonValue(v)])));
      io.out(JSON.stringify({ columns: result.columns, rows }, null, 2));
    } else {
      io.out(renderTable(result));
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

export const fetchdfSpec = defineCommand({
  command: 'fetchdf <sql>',
  describe: "run a query with an environment's model names resolved",
  examples: [
    ["planner fetchdf 'SELECT count(*) FROM analytics.customers'", "query prod's view of a model"],
    ["planner fetchdf 'SELECT * FROM analytics.orders LIMIT 5' --env dev --json", "query dev, as JSON"],
  ],
  builder: (y) => y.positional('sql', { type: 'string', demandOption: true }).option('env', { type: 'string', describe: 'environment (default prod)' })
      .option('write', { type: 'boolean', describe: 'allow the query to change the warehouse (otherwise it runs read-only)' }),
  handler: (args, io) => fetchdfCommand({ ...args, environment: args.env }, io),
});
