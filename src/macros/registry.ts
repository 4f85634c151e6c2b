import { CORE_MACROS } from './builtins-core.js';
import { REFUSED_MACROS, SQL_MACROS } from './builtins-sql.js';
import { MacroError, type MacroImpl } from './evaluator.js';

export type MacroTable = Map<string, { impl: MacroImpl; file?: string }>;

/** The built-in macros by lowercase name, with SQLMesh's unsupported ones refused by name. */
export function builtinMacros(): MacroTable {
  const table: MacroTable = new Map();
  for (const [name, impl] of Object.entries({ ...CORE_MACROS, ...SQL_MACROS })) table.set(name, { impl });
  for (const [name, instead] of Object.entries(REFUSED_MACROS)) {
    table.set(name, {
      impl: (_ev, _args, call) => {
        throw new MacroError(`@${name.toUpperCase()} is a SQLMesh macro planner does not support: ${instead}`, call.start);
      },
    });
  }
  return table;
}
