import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, resolve } from 'node:path';
import { Context } from '../../context.js';
import { InputError, PlannerError } from '../../errors.js';
import { diffReview, planReview } from '../../report/gather-review.js';
import { modelDetails } from '../../report/model-details.js';
import { renderReport } from '../../report/report-html.js';
import { errorPage, homePage, modelPage, uiLinks, uiNav } from '../../report/ui-pages.js';
import { validateEnvironmentName } from '../../util/identifiers.js';
import { defineCommand } from '../command-spec.js';
import type { CliIO } from '../io.js';
import type { GlobalOptions } from './global-options.js';

export interface UiOptions extends GlobalOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
}

export interface RunningUi {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the report pages of the current project on 127.0.0.1, read-only: each request
 * opens a context, plans or reads state, and closes it; nothing is applied or written to
 * the warehouse. Requests are answered one at a time (a DuckDB file takes one
 * connection), so the CLI can run next to it between requests.
 */
export async function startUi(opts: UiOptions): Promise<RunningUi> {
  const project = basename(resolve(opts.project));
  let queue: Promise<unknown> = Promise.resolve();
  const withContext = <T>(environment: string, fn: (ctx: Context) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      const ctx = await Context.open({ projectDir: opts.project, gateway: opts.gateway, secrets: opts.secrets }, environment);
      try {
        return await fn(ctx);
      } finally {
        await ctx.close();
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const liveEnvironments = async (ctx: Context) => {
    const live = new Set(await ctx.knownEnvironments());
    return (await ctx.state.listEnvironments()).filter((e) => live.has(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  };

  const route = async (url: URL): Promise<[number, string]> => {
    const param = (name: string) => {
      const value = url.searchParams.get(name);
      if (!value) throw new InputError(`missing query parameter '${name}'`, { code: 'usage' });
      return value;
    };
    switch (url.pathname) {
      case '/':
        return [200, await withContext('prod', async (ctx) => homePage(project, await liveEnvironments(ctx)))];
      case '/plan': {
        const env = param('env');
        validateEnvironmentName(env);
        return [200, await withContext(env, async (ctx) => {
          const plan = await ctx.plan(env);
          const names = (await liveEnvironments(ctx)).map((e) => e.name);
          const linkEnv = names.includes(env) ? env : (plan.base ?? env);
          return renderReport(await planReview(ctx.state, plan), { nav: uiNav(names, { a: env }), modelHref: (m) => uiLinks.model(linkEnv, m) });
        })];
      }
      case '/diff': {
        const [a, b] = [param('a'), param('b')];
        return [200, await withContext(a, async (ctx) => {
          const [ea, eb] = [await ctx.requireEnvironment(a), await ctx.requireEnvironment(b)];
          const names = (await liveEnvironments(ctx)).map((e) => e.name);
          return renderReport(await diffReview(ctx.state, ea, eb), { nav: uiNav(names, { a, b }), modelHref: (m) => uiLinks.model(a, m) });
        })];
      }
      case '/model': {
        const [env, name] = [param('env'), param('name')];
        return withContext(env, async (ctx) => {
          const record = await ctx.requireEnvironment(env);
          const details = await modelDetails(ctx.state, record, name);
          if (!details) return [404, errorPage(404, `environment '${env}' has no model '${name}'`)];
          return [200, modelPage(details, (await liveEnvironments(ctx)).map((e) => e.name), Object.keys(record.snapshots).sort())];
        });
      }
      default:
        return [404, errorPage(404, `no page at ${url.pathname}`)];
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let status = 200;
    let body: string;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      [status, body] = [405, errorPage(405, 'this UI is read-only: only GET requests are answered')];
    } else {
      try {
        [status, body] = await route(new URL(req.url ?? '/', 'http://127.0.0.1'));
      } catch (err) {
        const redact = (t: string) => opts.secrets?.redact(t) ?? t;
        if (err instanceof PlannerError) [status, body] = [err.exitCode === 2 ? 400 : 500, errorPage(err.exitCode === 2 ? 400 : 500, redact(err.display), err.hint && redact(err.hint))];
        else [status, body] = [500, errorPage(500, redact((err as Error)?.message ?? String(err)))];
      }
    }
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 8765, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }).then(() => queue.then(() => undefined)),
  };
}

/** `planner ui`: serve the pages until interrupted. */
export async function uiCommand(opts: UiOptions, io: CliIO): Promise<number> {
  const ui = await startUi(opts);
  io.err(`Serving ${basename(resolve(opts.project))} read-only at ${ui.url} (Ctrl-C stops)`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await ui.close();
  return 0;
}

export const uiSpec = defineCommand({
  command: 'ui',
  describe: 'serve the plan and diff reports of this project on 127.0.0.1, read-only',
  examples: [
    ['planner ui', 'browse environments, plans, diffs and models at http://127.0.0.1:8765/'],
    ['planner ui --port 9000', 'on another port'],
  ],
  builder: (y) => y.option('port', { type: 'number', default: 8765, describe: 'port on 127.0.0.1 (0: any free port)' }),
  handler: (args, io) => uiCommand(args, io),
});
