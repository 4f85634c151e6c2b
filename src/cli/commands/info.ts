import chalk from 'chalk';
import { relative } from 'node:path';
import { Context } from '../../context.js';
import { EngineError, PlannerError } from '../../errors.js';
import { loadConfig } from '../../config/load-config.js';
import { propertyNotes } from '../../model/unapplied-properties.js';
import { LATEST_STATE_VERSION } from '../../state/migrations/index.js';
import { redact } from '../../util/secrets.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';
import { jsonText } from '../render/json.js';

/** `planner info`: project, gateway, connection check, models, environments, state version. */
export async function infoCommand(opts: GlobalOptions, io: CliIO): Promise<number> {
  let ctx: Context;
  try {
    ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets });
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    return reportUnreachable(opts, io, err);
  }
  try {
    const started = Date.now();
    await ctx.engine.query('SELECT 1 AS ok');
    const connectMs = Date.now() - started;
    let models: { count: number; byKind: Record<string, number>; applied: string[]; notApplied: string[] } | { error: string; exitCode: number };
    try {
      const project = await ctx.loadProject();
      const byKind: Record<string, number> = {};
      for (const m of project.models.values()) byKind[m.kind.name] = (byKind[m.kind.name] ?? 0) + 1;
      models = { count: project.models.size, byKind, ...propertyNotes(project.models.values(), ctx.engine.dialect) };
    } catch (err) {
      if (!(err instanceof PlannerError)) throw err;
      models = { error: err.display, exitCode: err.exitCode };
    }
    const environments = await ctx.knownEnvironments();
    const config = ctx.config;
    const info = {
      project: ctx.config.projectDir,
      config: ctx.config.configFile ?? null,
      gateway: ctx.gatewayName,
      engine: redact(ctx.engine.description, config.secrets),
      connection: { ok: true, ms: connectMs },
      models,
      environments,
      state: { schema: ctx.config.stateSchema, version: await ctx.state.schemaVersion(), latest: LATEST_STATE_VERSION },
    };
    if (opts.json) {
      io.out(jsonText(info));
    } else {
      const kinds = 'count' in models ? Object.entries(models.byKind).map(([k, n]) => `${n} ${k}`).join(', ') : '';
      const rows: [string, string][] = [
        ['project', `${info.project}${info.config ? chalk.gray(` (${relative(info.project, info.config)})`) : chalk.gray(' (no planner.config.ts: defaults)')}`],
        ['gateway', `${info.gateway}: ${info.engine}`],
        ['connection', chalk.green(`ok (${connectMs} ms)`)],
        ['models', 'count' in models ? `${models.count}${kinds ? chalk.gray(` (${kinds})`) : ''}` : chalk.red(`cannot load: ${models.error}`)],
        ...('applied' in models ? models.applied.map((line, i): [string, string] => [i ? '' : 'applied', line]) : []),
        ...('notApplied' in models && models.notApplied.length
          ? models.notApplied.map((line, i): [string, string] => [i ? '' : 'not applied', chalk.yellow(`${line} (accepted and fingerprinted; not applied to tables here)`)])
          : []),
        ['environments', environments.length ? `${environments.length} (${environments.join(', ')})` : 'none yet'],
        ['state', `schema ${info.state.schema}, version ${info.state.version}${info.state.version === info.state.latest ? '' : chalk.yellow(` (this planner writes ${info.state.latest})`)}`],
      ];
      io.out(rows.map(([k, v]) => `${k.padEnd(13)}${v}`).join('\n'));
    }
    return 'count' in models ? 0 : models.exitCode;
  } finally {
    await ctx.close();
  }
}

/** The server did not answer: still say what project and gateway were tried, exit 1. */
async function reportUnreachable(opts: GlobalOptions, io: CliIO, err: EngineError): Promise<number> {
  const config = await loadConfig(opts.project, opts.secrets);
  const gateway = opts.gateway ?? config.defaultGateway;
  const info = { project: config.projectDir, config: config.configFile ?? null, gateway, connection: { ok: false, error: redact(err.message, config.secrets) } };
  if (opts.json) io.out(jsonText(info));
  else {
    io.out(`${'project'.padEnd(13)}${info.project}`);
    io.out(`${'gateway'.padEnd(13)}${gateway}`);
    io.out(`${'connection'.padEnd(13)}${chalk.red(`failed: ${info.connection.error}`)}`);
  }
  return 1;
}

export const infoSpec = defineCommand({
  command: 'info',
  describe: 'show the project, gateway, connection, model count and state version',
  examples: [
    ["planner info", "check the project loads and the warehouse answers"],
  ],
  builder: (y) => y,
  handler: (args, io) => infoCommand(args, io),
});
