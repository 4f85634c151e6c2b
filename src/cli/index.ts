import chalk from 'chalk';
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { PlannerError } from '../errors.js';
import { SecretRegistry } from '../util/secrets.js';
import type { CommandRun } from './command-spec.js';
import { COMMANDS } from './commands.js';
import { GLOBAL_OPTIONS } from './commands/global-options.js';
import { processIO, type CliIO } from './io.js';
import { usageError, verb } from './usage-errors.js';
import { jsonText } from './render/json.js';

/** The version in package.json (two folders up from both src/cli/ and dist/cli/). */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

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
  // `planner` alone: the short help, as a person typing it wants, and success.
  if (!argv.some((a) => !a.startsWith('-')) && !argv.some((a) => /^(-h|--help|-V|--version)$/.test(a))) argv = [...argv, '--help'];
  const level = chalk.level;
  if (argv.includes('--no-color') || argv.includes('--color=false') || process.env.NO_COLOR) chalk.level = 0;
  try {
    const output = await parse(argv, { io, secrets, done: (c) => (code = c) });
    if (output) io.out(output);
  } catch (err) {
    verbose ||= Boolean((err as { verbose?: boolean }).verbose);
    code = report(err, io, { verbose, json, secrets });
  } finally {
    chalk.level = level;
  }
  return code;
}

/** Runs the command `argv` names; resolves to the help or version text when that was asked for. */
async function parse(argv: string[], run: CommandRun): Promise<string> {
  let parser = yargs()
    .scriptName('planner')
    .usage('$0 <command> [options]\n\nPlan and apply changes to a project of SQL models with virtual environments.')
    .options(GLOBAL_OPTIONS);
  for (const command of COMMANDS) parser = command.register(parser, run);
  let output = '';
  await parser
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .alias('version', 'V')
    .epilogue('Run `planner COMMAND --help` for a command\'s options and examples.')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // The parser holds the options of the command being parsed (yargs resets it per command).
      throw err ?? usageError(msg, COMMANDS, { command: commandIn(argv), options: optionNames(parser), argv });
    })
    .parseAsync(argv, {}, (_err, _args, text) => {
      output = text;
    });
  return output;
}

/** The command named on the line: the first word that is not an option or a global option's value. */
function commandIn(argv: string[]) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['-p', '--project', '--gateway', '--progress'].includes(a)) i++;
    else if (!a.startsWith('-')) return COMMANDS.find((c) => verb(c) === a);
  }
  return undefined;
}

function optionNames(y: Argv<unknown>): string[] {
  const { key, alias } = (y as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }).getOptions();
  return [...Object.keys(key), ...Object.values(alias).flat()];
}

function report(err: unknown, io: CliIO, opts: { verbose: boolean; json: boolean; secrets: SecretRegistry }): number {
  const redact = (text: string) => opts.secrets.redact(text);
  if (err instanceof PlannerError) {
    if (opts.json) io.out(jsonText({ error: JSON.parse(redact(JSON.stringify(err.toJSON()))) }));
    else {
      io.err(`error: ${redact(err.display)}`);
      if (err.hint) io.err(`hint: ${redact(err.hint)}`);
    }
    if (opts.verbose && err.stack) io.err(redact(err.stack));
    return err.exitCode;
  }
  const message = redact((err as Error)?.message ?? String(err));
  if (opts.json) io.out(jsonText({ error: { code: 'internal', message } }));
  else io.err(`internal error: ${message}${opts.verbose ? '' : ' (run with --verbose for details)'}`);
  if (opts.verbose && (err as Error)?.stack) io.err(redact((err as Error).stack!));
  return 1;
}
