/** Where in a user's file a problem is. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * Every error the planner raises on purpose. `exitCode` is what the CLI exits with:
 * 2 for bad usage or bad input (nothing was changed), 1 for a failure while working.
 *
 * @example throw new InputError('unknown kind FOO', { location: { file, line: 3, column: 9 } })
 */
export class PlannerError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly location?: SourceLocation;
  readonly exitCode: 1 | 2;

  constructor(
    code: string,
    message: string,
    opts: { hint?: string; location?: SourceLocation; exitCode?: 1 | 2; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = opts.hint;
    this.location = opts.location;
    this.exitCode = opts.exitCode ?? 1;
  }

  /** The message with its location prefixed, as printed to a user. */
  get display(): string {
    const loc = this.location;
    if (!loc) return this.message;
    const pos = loc.line ? `:${loc.line}${loc.column ? `:${loc.column}` : ''}` : '';
    return `${loc.file}${pos}: ${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, location: this.location };
  }
}

/** Bad input in the user's project, config or command line: exit 2, nothing changed. */
export class InputError extends PlannerError {
  constructor(message: string, opts: { hint?: string; location?: SourceLocation; code?: string } = {}) {
    super(opts.code ?? 'bad_input', message, { ...opts, exitCode: 2 });
  }
}

/** Another apply holds the environment, or the plan was computed against an older state. */
export class ConflictError extends PlannerError {
  constructor(message: string, opts: { hint?: string; code?: string } = {}) {
    super(opts.code ?? 'conflict', message, { ...opts, exitCode: 1 });
  }
}

/** The database refused or failed a statement while the planner was working. */
export class EngineError extends PlannerError {
  constructor(message: string, opts: { hint?: string; cause?: unknown; code?: string } = {}) {
    super(opts.code ?? 'engine', message, { ...opts, exitCode: 1 });
  }
}
