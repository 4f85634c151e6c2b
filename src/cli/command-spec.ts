import type { ArgumentsCamelCase, Argv } from 'yargs';
import { GLOBAL_OPTION_NAMES, type GlobalArgs } from './commands/global-options.js';
import type { SecretRegistry } from '../util/secrets.js';
import type { CliIO } from './io.js';

/**
 * One CLI command: its yargs builder and the handler that returns the exit code. The
 * handler's argument type is inferred from the builder (positionals and options as
 * declared, plus their camelCase names), so an option the handler reads but the builder
 * does not declare, or declares with another type, fails to compile. Each lives in
 * commands/<verb>.ts, made with `defineCommand`, and is listed in cli/commands.ts.
 */
export interface CommandSpec<O> {
  command: string;
  describe: string;
  /** Shown under "Examples:" in the command's help: [command line, what it does]. */
  examples: [string, string][];
  builder: (y: Argv<GlobalArgs>) => Argv<O>;
  /** `secrets` is filled by `main`, not a flag: the run's secrets, masked in everything it prints. */
  handler: (args: ArgumentsCamelCase<NoInfer<O>> & { secrets: SecretRegistry }, io: CliIO) => Promise<number>;
}

/** What one run of the CLI gives the command it runs. */
export interface CommandRun {
  io: CliIO;
  secrets: SecretRegistry;
  done: (code: number) => void;
}

/** A command with its option types closed over, so commands of different options share one list. */
export interface Command {
  readonly command: string;
  readonly describe: string;
  readonly examples: readonly [string, string][];
  /** Adds the command to the parser; `run.done` receives the handler's exit code. */
  register(y: Argv<GlobalArgs>, run: CommandRun): Argv<GlobalArgs>;
}

/** Checks a command's handler against its builder and erases the option type for the list. */
export function defineCommand<O>(spec: CommandSpec<O>): Command {
  return {
    command: spec.command,
    describe: spec.describe,
    examples: spec.examples,
    register: (y, { io, secrets, done }) =>
      y.command(
        spec.command,
        spec.describe,
        (sub) => helpLayout(spec.builder(sub), spec.examples),
        async (args) => done(await spec.handler({ ...args, secrets }, io)),
      ),
  };
}

/** The command's own options first, then the ones every command takes, then examples. */
function helpLayout<O>(y: Argv<O>, examples: [string, string][]): Argv<O> {
  const internals = y as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> }; getGroups(): Record<string, string[]> };
  const { key, alias } = internals.getOptions();
  const aliases = new Set(Object.values(alias).flat());
  const skip = new Set<string>([...GLOBAL_OPTION_NAMES, 'help', 'version', ...(internals.getGroups()['Positionals:'] ?? [])]);
  const own = Object.keys(key).filter((k) => !aliases.has(k) && !skip.has(k));
  let out = y.group(own, 'Options:').group([...GLOBAL_OPTION_NAMES, 'help', 'version'], 'Global options:');
  for (const [cmd, what] of examples) out = out.example(cmd, what);
  return out;
}
