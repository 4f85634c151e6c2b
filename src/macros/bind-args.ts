import { MacroError, type ArgNode } from './evaluator.js';
import type { Token } from './tokens.js';

/**
 * Binds a call's arguments to a macro's parameters the way SQLMesh does: positional
 * while none is skipped, then `name := value`. Wrong arity and unknown names are errors
 * that name the macro and point at the call.
 */
export function bindArgs(
  call: Token,
  args: ArgNode[],
  params: readonly string[],
  opts: { required?: number; variadic?: boolean; aliases?: Record<string, string> } = {},
): { named: Map<string, ArgNode>; rest: ArgNode[] } {
  const named = new Map<string, ArgNode>();
  const rest: ArgNode[] = [];
  const required = opts.required ?? params.length;
  let pos = 0;
  let sawKeyword = false;
  for (const a of args) {
    if (a.keyword) {
      sawKeyword = true;
      const key = opts.aliases?.[a.keyword] ?? a.keyword;
      if (!params.includes(key)) {
        throw new MacroError(`@${call.name!.toUpperCase()} has no argument '${a.keyword}' (its arguments: ${params.join(', ')})`, a.offset);
      }
      if (named.has(key)) throw new MacroError(`@${call.name!.toUpperCase()} gets '${key}' twice`, a.offset);
      named.set(key, a);
    } else {
      if (sawKeyword && !opts.variadic) throw new MacroError(`@${call.name!.toUpperCase()}: a positional argument cannot follow a keyword argument`, a.offset);
      if (opts.variadic) rest.push(a);
      else if (pos < params.length) named.set(params[pos++], a);
      else throw new MacroError(`@${call.name!.toUpperCase()} takes at most ${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ')}), got ${args.length}`, a.offset);
    }
  }
  if (!opts.variadic) {
    const missing = params.slice(0, required).filter((p) => !named.has(p));
    if (missing.length) throw new MacroError(`@${call.name!.toUpperCase()} needs ${missing.map((m) => `'${m}'`).join(', ')} (its arguments: ${params.join(', ')})`, call.start);
  } else if (rest.length < required) {
    throw new MacroError(`@${call.name!.toUpperCase()} needs at least ${required} argument${required === 1 ? '' : 's'}`, call.start);
  }
  return { named, rest };
}
