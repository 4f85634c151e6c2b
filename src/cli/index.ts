import yargs from 'yargs';
import { PlannerError } from '../errors.js';
import { SecretRegistry } from '../util/secrets.js';
import { COMMANDS } from './commands.js';
import { GLOBAL_OPTIONS } from './commands/global-options.js';
import { processIO, type CliIO } from './io.js';

/**
 * The command line. Returns the exit code instead of exiting, so tests can call it:
 * 0 done, 1 failed, 2 bad usage or bad input.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code = 0;
  // This run's secrets: every command adds its gateways' secrets, and every error is masked with them.
  const secrets = new SecretRegistry();
  let verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  let parser = yargs(argv).scriptName('planner').usage('$0 <command> [options]').options(GLOBAL_OPTIONS);
  for (const command of COMMANDS) parser = command.register(parser, { io, secrets, done: (c) => (code = c) });
  parser = parser
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    verbose ||= Boolean((err as { verbose?: boolean }).verbose);
    code = report(err, io, { verbose, json, secrets });
  }
  return code;
}

class UsageError extends PlannerError {
  constructor(message: string) {
    super('usage', message, { exitCode: 2, hint: 'see planner --help' });
  }
}

function report(err: unknown, io: CliIO, opts: { verbose: boolean; json: boolean; secrets: SecretRegistry }): number {
  const redact = (text: string) => opts.secrets.redact(text);
  if (err instanceof PlannerError) {
    if (opts.json) io.out(JSON.stringify({ error: JSON.parse(redact(JSON.stringify(err.toJSON()))) }, null, 2));
    else {
      io.err(`error: ${redact(err.display)}`);
      if (err.hint) io.err(`hint: ${redact(err.hint)}`);
    }
    if (opts.verbose && err.stack) io.err(redact(err.stack));
    return err.exitCode;
  }
  const message = redact((err as Error)?.message ?? String(err));
  if (opts.json) io.out(JSON.stringify({ error: { code: 'internal', message } }, null, 2));
  else io.err(`internal error: ${message}${opts.verbose ? '' : ' (run with --verbose for details)'}`);
  if (opts.verbose && (err as Error)?.stack) io.err(redact((err as Error).stack!));
  return 1;
}
