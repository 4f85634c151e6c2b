import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { lazyRequire } from '../util/lazy-require.js';
import { lineColumn } from '../util/text-position.js';

type Nunjucks = typeof import('nunjucks');

/** One `macros/*.sql` file of Jinja macros, compiled once when the project loads. */
export interface JinjaMacroFile {
  /** Path relative to the project, for errors. */
  file: string;
  /** The macro names it defines (`{% macro name(...) %}`), lowercase as written. */
  names: string[];
  /** nunjucks' compiled form: a template made from it runs in any environment. */
  compiled: Record<string, unknown>;
}

// Loaded on first use: most projects have no Jinja, and every command loads the project.
export const nunjucks = lazyRequire<Nunjucks>('nunjucks');

const MACRO = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\(/g;

/**
 * Loads SQLMesh's Jinja macro files: every `macros/*.sql` holds `{% macro name(args) %}
 * ... {% endmacro %}` definitions, callable as `{{ name(...) }}` from any JINJA_QUERY or
 * JINJA_STATEMENT block of the project (SQLMesh's JinjaMacroRegistry). A file that does
 * not compile, or a name defined twice, is bad input at the file's line and column.
 */
export function loadJinjaMacros(projectDir: string): JinjaMacroFile[] {
  const dir = join(projectDir, 'macros');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const out: JinjaMacroFile[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const file = `macros/${f}`;
    const text = readFileSync(join(dir, f), 'utf8');
    let compiled: Record<string, unknown>;
    try {
      const { compiler } = nunjucks() as Nunjucks & { compiler: { compile: (src: string, ...rest: unknown[]) => string } };
      compiled = new Function(compiler.compile(text, [], [], file, { throwOnUndefined: true }))() as Record<string, unknown>;
    } catch (err) {
      const { message, line, column } = jinjaErrorAt(err as Error);
      throw new InputError(`Jinja: ${message}`, { location: { file, line, column }, code: 'invalid_macro' });
    }
    const names: string[] = [];
    for (const m of text.matchAll(MACRO)) {
      const other = seen.get(m[1].toLowerCase());
      if (other) {
        throw new InputError(`Jinja macro '${m[1]}' is defined twice (also in ${other})`, { location: { file, ...lineColumn(text, m.index) }, code: 'invalid_macro' });
      }
      seen.set(m[1].toLowerCase(), file);
      names.push(m[1]);
    }
    out.push({ file, names, compiled });
  }
  return out;
}

/**
 * The macros of every file, bound to `env` and the values a block renders with, so a
 * macro's body reads `var()`, `start_ds` and the other macros as the block does.
 */
export function bindJinjaMacros(files: readonly JinjaMacroFile[], env: InstanceType<Nunjucks['Environment']>, values: Record<string, unknown>): void {
  const { Template } = nunjucks();
  for (const f of files) {
    const template = new Template({ type: 'code', obj: f.compiled } as unknown as string, env, f.file);
    (template as unknown as { getExported: (ctx: object, cb: (err: Error | null, exported: Record<string, unknown>) => void) => void }).getExported(values, (err, exported) => {
      if (err) throw err;
      for (const [name, fn] of Object.entries(exported)) env.addGlobal(name, fn);
    });
  }
}

/** A nunjucks error's message without its path and position, and the position. */
export function jinjaErrorAt(err: Error): { message: string; line?: number; column?: number } {
  const at = /\[Line (\d+), Column (\d+)\]/.exec(err.message);
  const message = err.message
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^Error:\s*/, '')
    .trim();
  // A compile error carries its position as properties; a rendered one in its message.
  const { lineno, colno } = err as { lineno?: number; colno?: number };
  if (!at && lineno) return { message, line: lineno, column: colno || undefined };
  return { message, line: at ? Number(at[1]) : undefined, column: at ? Number(at[2]) : undefined };
}
