import chalk from 'chalk';
import { relative } from 'node:path';
import { Context } from '../../context.js';
import { PlannerError } from '../../errors.js';
import { LATEST_STATE_VERSION } from '../../state/migrations/index.js';
import { redact } from '../../util/secrets.js';
import type { CommandSpec } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';

/** `planner info`: project, gateway, connection check, models, environments, state version. */
export async function infoCommand(opts: GlobalOptions, io: CliIO): Promise<number> {
  const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway });
  try {
    const started = Date.now();
    await ctx.engine.query('SELECT 1 AS ok');
    const connectMs = Date.now() - started;
    let models: { count: number; byKind: Record<string, number> } | { error: string; exitCode: number };
    try {
      const project = await ctx.loadProject();
      const byKind: Record<string, number> = {};
      for (const m of project.models.values()) byKind[m.kind.name] = (byKind[m.kind.name] ?? 0) + 1;
      models = { count: project.models.size, byKind };
    } catch (err) {
      if (!(err instanceof PlannerError)) throw err;
      models = { error: err.display, exitCode: err.exitCode };
    }
    const environments = await ctx.knownEnvironments();
    const info = {
      project: ctx.config.projectDir,
      config: ctx.config.configFile ?? null,
      gateway: ctx.gatewayName,
      engine: redact(ctx.engine.description),
      connection: { ok: true, ms: connectMs },
      models,
      environments,
      state: { schema: ctx.config.stateSchema, version: await ctx.state.schemaVersion(), latest: LATEST_STATE_VERSION },
    };
    if (opts.json) {
      io.out(JSON.stringify(info, null, 2));
    } else {
      const kinds = 'count' in models ? Object.entries(models.byKind).map(([k, n]) => `${n} ${k}`).join(', ') : '';
      const rows: [string, string][] = [
        ['project', `${info.project}${info.config ? chalk.gray(` (${relative(info.project, info.config)})`) : chalk.gray(' (no planner.config.ts: defaults)')}`],
        ['gateway', `${info.gateway}: ${info.engine}`],
        ['connection', chalk.green(`ok (${connectMs} ms)`)],
        ['models', 'count' in models ? `${models.count}${kinds ? chalk.gray(` (${kinds})`) : ''}` : chalk.red(`cannot load: ${models.error}`)],
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

export const infoSpec: CommandSpec = {
  command: 'info',
  describe: 'show the project, gateway, connection, model count and state version',
  builder: (y) => y,
  handler: infoCommand,
};
