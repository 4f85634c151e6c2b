import { findMacros, MacroError } from '../model/macros.js';
import type { Dialect } from '../config/types.js';
import type { AuditRef } from '../model/model.js';
import { renderQuery, type RenderTimes } from '../model/render.js';
import { skipQuoted } from '../util/sql-text.js';
import { AuditArgError, bool } from './audit-args.js';
import { BUILTIN_AUDIT_NAMES, builtinAudit, builtinAuditQuery } from './builtin-audits.js';
import type { AuditDefinition } from './load-audits.js';

/** One audit call made ready to run against one table. */
export interface CompiledAudit {
  /** The call as written in the header, e.g. `not_null(columns := [id])`. */
  label: string;
  name: string;
  blocking: boolean;
  skip: boolean;
  /** The query returning bad rows. */
  sql: string;
}

/** Where an audit runs: the quoted table, the times its macros render with, and @VAR values. */
export interface AuditTarget {
  table: string;
  times: RenderTimes;
  variables: Record<string, unknown>;
  /** The model's dialect, for a list or object variable's @VAR. */
  dialect?: Dialect;
}

/** An audit call that cannot be compiled: unknown audit, missing or malformed argument. */
export class AuditCompileError extends Error {}

/**
 * Turns an audit call from a model header into its bad-rows query: a built-in's
 * generated SQL, or a custom audit's query with `@this_model`, its arguments
 * (`@column`), the time macros and @VAR rendered. `blocking := false` in the call, or a
 * `_non_blocking` built-in, makes a failure a warning.
 */
export function compileAudit(ref: AuditRef, custom: ReadonlyMap<string, AuditDefinition>, target: AuditTarget): CompiledAudit {
  const label = auditLabel(ref);
  try {
    const { blocking: blockingArg, ...args } = ref.args;
    const builtin = builtinAudit(ref.name);
    const def = custom.get(ref.name);
    if (!builtin && !def) {
      const customNames = [...custom.keys()];
      throw new AuditCompileError(
        `unknown audit '${ref.name}' (built-in: ${BUILTIN_AUDIT_NAMES.join(', ')}${customNames.length ? `; in audits/: ${customNames.join(', ')}` : '; no audits/*.sql defines it'})`,
      );
    }
    const defaultBlocking = builtin ? !builtin.nonBlocking : def!.blocking;
    const blocking = blockingArg === undefined ? defaultBlocking : bool(blockingArg, 'blocking');
    const sql = builtin ? builtinAuditQuery(builtin.base, target.table, ref.args) : renderCustom(def!, args, target);
    return { label, name: ref.name, blocking, skip: def?.skip ?? false, sql };
  } catch (err) {
    if (err instanceof AuditArgError || err instanceof MacroError) throw new AuditCompileError(`audit ${label}: ${err.message}`);
    throw err;
  }
}

/** `name(arg := value, ...)` as a person wrote it, for messages. */
export function auditLabel(ref: AuditRef): string {
  const args = Object.entries(ref.args).map(([k, v]) => `${k} := ${v}`);
  return args.length ? `${ref.name}(${args.join(', ')})` : ref.name;
}

function renderCustom(def: AuditDefinition, args: Record<string, string>, target: AuditTarget): string {
  const used = new Set<string>();
  const withArgs = substituteArgs(def.query, args, used);
  const unused = Object.keys(args).filter((k) => !used.has(k));
  if (unused.length) throw new AuditArgError(`${def.file} never uses argument ${unused.map((k) => `'${k}'`).join(', ')}`);
  let macros;
  try {
    macros = findMacros(withArgs);
  } catch (err) {
    if (err instanceof MacroError && /unknown macro @(\w+)/.test(err.message)) {
      const name = /unknown macro @(\w+)/.exec(err.message)![1];
      throw new AuditArgError(`${def.file} uses @${name}: pass it as an argument, e.g. ${def.name}(${name.toLowerCase()} := ...)`);
    }
    throw err;
  }
  return renderQuery({ query: withArgs, references: [], macros, variables: target.variables, dialect: target.dialect }, () => undefined, target.times, target.table);
}

/** Replaces `@arg` (outside strings and comments) by the argument's text as written. */
function substituteArgs(query: string, args: Record<string, string>, used: Set<string>): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    let next = i + 1;
    if (ch === "'" || ch === '"') next = skipQuoted(query, i);
    else if (ch === '-' && query[i + 1] === '-') next = (query.indexOf('\n', i) + 1 || query.length + 1) - 1;
    else if (ch === '/' && query[i + 1] === '*') next = query.indexOf('*/', i + 2) < 0 ? query.length : query.indexOf('*/', i + 2) + 2;
    else if (ch === '@') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i + 1, i + 200))?.[0];
      const key = name?.toLowerCase();
      if (key && args[key] !== undefined && query[i + 1 + name!.length] !== '(') {
        out += args[key];
        used.add(key);
        i += 1 + name!.length;
        continue;
      }
    }
    out += query.slice(i, next);
    i = next;
  }
  return out;
}
