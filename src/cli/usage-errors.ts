import { PlannerError } from '../errors.js';
import { closestNames } from '../util/did-you-mean.js';
import type { Command } from './command-spec.js';

/** A mistake on the command line: exit 2, with the usage or a suggestion as the hint. */
export class UsageError extends PlannerError {
  constructor(message: string, hint = 'see planner --help') {
    super('usage', message, { exitCode: 2, hint });
  }
}

/** A command as the command table lists it (its module need not be loaded). */
type Listed = Pick<Command, 'command'>;

/** What the parser knows when it rejects a command line. */
export interface UsageContext {
  /** The command named on the line, if it is one of planner's. */
  command?: Command;
  /** Every option name (and alias) the command, or planner alone, accepts. */
  options: string[];
  /** The command line as typed. */
  argv: readonly string[];
}

/**
 * yargs' validation messages in planner's words: a misspelt command or option gets a
 * "did you mean", a missing argument names what is missing and shows the usage.
 */
export function usageError(message: string, commands: readonly Listed[], ctx: UsageContext): UsageError {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) return unknownArgument(unknown[1].split(', ')[0], commands, ctx);
  const usage = ctx.command ? `usage: planner ${ctx.command.command}${example(ctx.command)}` : 'see planner --help';
  const missing = /^Missing required arguments?: (.+)$/.exec(message);
  if (missing && ctx.command) return new UsageError(`planner ${verb(ctx.command)} needs ${missing[1].split(', ').map(placeholder).join(' and ')}`, usage);
  if (/^Not enough non-option arguments/.test(message) && ctx.command) {
    const needed = [...ctx.command.command.matchAll(/<([^>]+)>/g)].map((m) => placeholder(m[1]));
    return new UsageError(`planner ${verb(ctx.command)} needs ${needed.join(' and ') || 'more arguments'}`, usage);
  }
  if (/^Too many non-option arguments/.test(message) && ctx.command) return new UsageError(`too many arguments for planner ${verb(ctx.command)}`, usage);
  const choices = /^Invalid values?:\s*Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(message.replace(/\n/g, ' '));
  if (choices) return new UsageError(`--${choices[1]} must be one of ${choices[3].replace(/"/g, '')}; got ${choices[2].replace(/"/g, "'")}`, usage);
  return new UsageError(message, usage);
}

function unknownArgument(arg: string, commands: readonly Listed[], ctx: UsageContext): UsageError {
  if (!ctx.command && !arg.startsWith('-')) {
    const names = commands.map(verb);
    const close = closestNames(arg, names, 1);
    return new UsageError(`unknown command '${arg}'`, close.length ? `did you mean planner ${close[0]}?` : `commands: ${names.join(', ')}`);
  }
  // yargs names an unknown flag without its dashes; a word typed without them is an extra argument.
  const name = arg.replace(/^-+/, '').split('=')[0];
  if (!ctx.argv.some((a) => a.startsWith('-') && a.replace(/^-+/, '').split('=')[0] === name)) {
    return new UsageError(`unexpected argument '${arg}'`, ctx.command ? `usage: planner ${ctx.command.command}` : 'see planner --help');
  }
  const close = closestNames(name, ctx.options.filter((o) => o.length > 1), 1);
  const where = ctx.command ? `planner ${verb(ctx.command)}` : 'planner';
  return new UsageError(
    `unknown option ${flag(name)} for ${where}`,
    close.length ? `did you mean ${flag(close[0])}?` : `see ${where} --help`,
  );
}

/** `plan` from `plan [environment]`. */
export function verb(command: Listed): string {
  return command.command.split(' ')[0];
}

function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

function placeholder(name: string): string {
  return name.replace(/\.\.$/, '').toUpperCase();
}

function example(command: Command): string {
  const first = command.examples[0];
  return first ? `; e.g. ${first[0]}` : '';
}
