import chalk from 'chalk';
import yargs, { type Argv } from 'yargs';
import { Parser } from 'yargs/helpers';
import { PlannerError } from '../errors.js';
import { plannerVersion } from '../util/package-version.js';
import { SecretRegistry } from '../util/secrets.js';
import type { CommandRun } from './command-spec.js';
import { COMMANDS, type CommandEntry } from './commands.js';
import { GLOBAL_OPTIONS, type GlobalArgs } from './commands/global-options.js';
import { processIO, type CliIO } from './io.js';
import { usageError, verb } from './usage-errors.js';
import { jsonText } from './render/json.js';

/** The version in package.json. */
export const VERSION: string = plannerVersion();

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
  // Only the named command's module is imported; the others are listed for --help and "did you mean".
  const named = commandNamed(argv);
  const command = await named?.load();
  let parser = yargs()
    .scriptName('planner')
    .usage('$0 <command> [options]\n\nPlan and apply changes to a project of SQL models with virtual environments.')
    .options(GLOBAL_OPTIONS);
  for (const entry of COMMANDS) parser = entry === named ? command!.register(parser, run) : listed(parser, entry);
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
      throw err ?? usageError(msg, COMMANDS, { command, options: optionNames(parser), argv });
    })
    .parseAsync(argv, {}, (_err, _args, text) => {
      output = text;
    });
  return output;
}

/**
 * The command named on the line, found as yargs finds it: the first positional once the
 * global options (and --help, --version) are parsed, so a global option's value is not taken for it.
 */
function commandNamed(argv: string[]): CommandEntry | undefined {
  const globals = Object.entries(GLOBAL_OPTIONS) as [string, { type?: string; alias?: string }][];
  const { _: words } = Parser(argv, {
    string: globals.filter(([, o]) => o.type === 'string').map(([name]) => name),
    boolean: [...globals.filter(([, o]) => o.type === 'boolean').map(([name]) => name), 'help', 'version'],
    alias: { ...Object.fromEntries(globals.flatMap(([name, o]) => (o.alias ? [[name, o.alias]] : []))), help: 'h', version: 'V' },
  });
  return words.length ? COMMANDS.find((c) => verb(c) === String(words[0])) : undefined;
}

/** A command that is not the one named: its line in --help, no module. */
function listed(y: Argv<GlobalArgs>, entry: CommandEntry): Argv<GlobalArgs> {
  return y.command(entry.command, entry.describe, {}, () => {
    throw new Error(`planner ${verb(entry)} ran without its module loaded`);
  });
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
