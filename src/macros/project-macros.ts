import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { MacroError, type MacroEvaluator, type MacroImpl } from './evaluator.js';
import { MacroArg, macroApi, resultValue } from './macro-api.js';
import { builtinMacros, type MacroTable } from './registry.js';
import { sql } from './values.js';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** A function exported from a file in `macros/`, callable as `@name(...)` in a model. */
export interface ProjectMacro {
  name: string;
  /** Path relative to the project, for errors. */
  file: string;
  fn: (...args: unknown[]) => unknown;
  params: string[];
  rest: boolean;
}

/**
 * Loads `macros/*.ts` (and .mts/.js/.mjs) through jiti, as the config is loaded. Every
 * exported function is a macro named after its export, case-insensitively. A file that
 * does not compile, or a name exported twice or shadowing a built-in, is bad input.
 */
export async function loadProjectMacros(projectDir: string, builtins: ReadonlySet<string>): Promise<ProjectMacro[]> {
  const dir = join(projectDir, 'macros');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => EXTENSIONS.some((e) => f.endsWith(e)) && !f.endsWith('.d.ts')).sort();
  const out: ProjectMacro[] = [];
  const seen = new Map<string, string>();
  if (!files.length) return out;
  // Loaded only when there are macro files to read (see config/load-config.ts).
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
  for (const f of files) {
    const file = `macros/${f}`;
    let mod: Record<string, unknown>;
    try {
      mod = (await jiti.import(join(dir, f))) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(`macro file ${file} does not load: ${(err as Error).message.split('\n')[0]}`, { location: { file }, code: 'invalid_macro' });
    }
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== 'function') continue;
      const name = exportName.toLowerCase();
      if (builtins.has(name)) throw new InputError(`${file} exports '${exportName}', the name of a built-in macro (@${name.toUpperCase()})`, { location: { file }, code: 'invalid_macro' });
      const other = seen.get(name);
      if (other) throw new InputError(`macro '${exportName}' is exported twice (also by ${other})`, { location: { file }, code: 'invalid_macro' });
      seen.set(name, file);
      out.push({ name, file, fn: value as ProjectMacro['fn'], ...parameterNames(value as ProjectMacro['fn']) });
    }
  }
  return out;
}

/** Adds project macros to a macro table. */
export function registerProjectMacros(table: MacroTable, macros: readonly ProjectMacro[]): void {
  for (const m of macros) table.set(m.name, { impl: projectImpl(m), file: m.file });
}

/**
 * Calls a TypeScript macro as SQLMesh calls a Python one: the evaluator first, then the
 * arguments, positional ones in order and `name := value` ones by parameter name.
 */
function projectImpl(m: ProjectMacro): MacroImpl {
  return (ev: MacroEvaluator, args, call, scope) => {
    const params = m.params.slice(1);
    const positional: MacroArg[] = [];
    const byName = new Map<string, MacroArg>();
    for (const a of args) {
      const value = new MacroArg(ev.evalArg(a.tokens, scope));
      if (!a.keyword) {
        if (byName.size) throw new MacroError(`@${call.name}: a positional argument cannot follow a keyword argument`, a.offset, m.file);
        positional.push(value);
      } else {
        if (!params.includes(a.keyword)) throw new MacroError(`@${call.name} (${m.file}) has no parameter '${a.keyword}' (its parameters: ${params.join(', ') || 'none'})`, a.offset, m.file);
        byName.set(a.keyword, value);
      }
    }
    if (!m.rest && positional.length > params.length) {
      throw new MacroError(`@${call.name} (${m.file}) takes ${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ')}), got ${positional.length}`, call.start, m.file);
    }
    const values: unknown[] = [...positional];
    for (const [k, v] of byName) {
      const i = params.indexOf(k);
      if (i < positional.length) throw new MacroError(`@${call.name}: '${k}' is given twice`, call.start, m.file);
      values[i] = v;
    }
    const required = Math.max(0, m.fn.length - 1);
    if (values.length < required || values.slice(0, required).some((v) => v === undefined)) {
      throw new MacroError(`@${call.name} (${m.file}) needs ${required} argument${required === 1 ? '' : 's'} (${params.slice(0, required).join(', ')})`, call.start, m.file);
    }
    let result: unknown;
    try {
      result = m.fn(macroApi(ev, scope), ...values);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new MacroError(`macro @${call.name} (${m.file}) failed: ${message}`, call.start, m.file);
    }
    if (result instanceof Promise) throw new MacroError(`macro @${call.name} (${m.file}) returned a Promise: macros must return SQL synchronously`, call.start, m.file);
    return result === undefined ? sql('') : resultValue(result);
  };
}

/** Parameter names from the function's source (jiti keeps them), so `name := value` can bind by name. */
function parameterNames(fn: ProjectMacro['fn']): { params: string[]; rest: boolean } {
  const src = Function.prototype.toString.call(fn);
  const m = /^[^(]*\(([^)]*)\)/.exec(src) ?? /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  const list = (m?.[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const rest = list.some((p) => p.startsWith('...'));
  return { params: list.map((p) => p.replace(/^\.\.\./, '').split(/[=:\s]/)[0].toLowerCase()), rest };
}

/** Built-ins plus the project's `macros/*.ts`: the macros a project's models can call. */
export async function projectMacroTable(projectDir: string): Promise<MacroTable> {
  const table = builtinMacros();
  registerProjectMacros(table, await loadProjectMacros(projectDir, new Set(table.keys())));
  return table;
}
