import type { Dialect, ModelDefaults } from '../config/types.js';
import { InputError } from '../errors.js';
import { MacroError, MacroEvaluator } from '../macros/evaluator.js';
import { builtinMacros, type MacroTable } from '../macros/registry.js';
import { tokenize, TokenError } from '../macros/tokens.js';
import { itemsOf, sql, valueSql, type MacroValue } from '../macros/values.js';
import { validateIdentifier } from '../util/identifiers.js';
import { lineColumn } from '../util/text-position.js';
import { parseHeader, PhraseReader } from './header-parser.js';
import type { Atom, Phrase } from './header-values.js';
import type { ModelDefinition } from './model.js';
import { readModelFile } from './read-model-file.js';

/** One model a file defines: a blueprint's variables (parsed as macro values) when it has `blueprints`. */
export interface FileModel {
  def: ModelDefinition;
  blueprint?: Record<string, MacroValue>;
}

/**
 * Reads a model file as SQLMesh reads blueprints: `blueprints ((customer := acme, ...), ...)`
 * in the MODEL header makes one model per entry, its name written with the variables
 * (`name @customer.orders`), and the query expanded with them (`@customer`, `@{customer}`,
 * @BLUEPRINT_VAR). A file without `blueprints` is one model. Offsets stay those of the
 * file: the `blueprints` property is blanked out and a name's `@var` is read through a
 * placeholder of the same length, so errors point into the file as written.
 */
export function readFileModels(source: string, file: string, defaults: ModelDefaults & { dialect: Dialect; cron: string }, macros?: BlueprintMacros): FileModel[] {
  const header = parseHeader(source, file, 'MODEL');
  const property = header.properties.get('blueprints');
  if (!property) return [{ def: readModelFile(source, file, defaults) }];
  const r = new PhraseReader(source, file);
  const blueprints = isMacro(property) ? macroBlueprints(source, file, property, defaults.dialect, macros) : readBlueprintList(r, property);
  const blanked = blankProperty(source, property.keyStart, property.end);
  const nameP = header.properties.get('name') ?? r.fail('MODEL has no name', 0);
  const written = r.scalar(nameP, 'name');
  // Each `@var` becomes `bxxx` of its length: a valid name that keeps every offset.
  const placeholder = written.replace(/@\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, (m) => `b${'x'.repeat(m.length - 1)}`);
  const template = blanked.slice(0, nameP.start) + blanked.slice(nameP.start, nameP.end).replace(written, placeholder) + blanked.slice(nameP.end);
  const seen = new Map<string, number>();
  return blueprints.map((vars, i) => {
    const name = written.replace(/@\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, v: string) => {
      const value = vars[v.toLowerCase()];
      if (!value) r.fail(`blueprint ${i + 1} has no variable '${v}' for the model name ${written}`, nameP.start);
      return value.text.replace(/^'(.*)'$/s, '$1');
    }).toLowerCase();
    const [schema, table, ...more] = name.split('.');
    if (table === undefined || more.length) r.fail(`blueprint ${i + 1} names the model '${name}', which must be schema.table`, nameP.start);
    const loc = { file, ...lineColumn(source, nameP.start) };
    validateIdentifier(schema, 'schema name', loc);
    validateIdentifier(table, 'table name', loc);
    if (schema.includes('__')) r.fail(`blueprint ${i + 1} names the schema '${schema}', which may not contain '__': it is reserved for environment and physical schemas`, nameP.start);
    if (seen.has(name)) r.fail(`blueprints ${seen.get(name)} and ${i + 1} both name the model ${name}: the name must use a variable that differs`, nameP.start);
    seen.set(name, i + 1);
    const def = readModelFile(template, file, defaults);
    return { def: { ...def, name, schema, table, source }, blueprint: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v as MacroValue])) };
  });
}

/** What a `blueprints @macro(...)` is expanded with: the project's macros and config variables. */
export interface BlueprintMacros {
  table: MacroTable;
  variables: Record<string, unknown>;
}

function isMacro(p: Phrase): boolean {
  const first = p.atoms[0];
  return first?.type === 'ident' && first.value.startsWith('@');
}

/**
 * `blueprints @EACH(@values, x -> (customer := schema_@x))` or `blueprints @gen()`: the
 * macro is expanded as SQLMesh renders it (config variables, project macros), and what it
 * returns (a list of entries, or the text of one) is read as a written list would be.
 * Errors point at the `blueprints` property.
 */
function macroBlueprints(source: string, file: string, p: Phrase, dialect: Dialect, macros: BlueprintMacros | undefined): Record<string, { kind: 'sql'; text: string }>[] {
  const at = { file, ...lineColumn(source, p.start) };
  let text: string;
  try {
    const ev = new MacroEvaluator({ dialect, variables: macros?.variables ?? {}, macros: macros?.table ?? builtinMacros() });
    const value = ev.valueOf(tokenize(source.slice(p.start, p.end), p.start), ev.scope);
    text = value.kind === 'list' ? `(${itemsOf(value).map(valueSql).join(', ')})` : valueSql(value);
  } catch (err) {
    if (err instanceof MacroError || err instanceof TokenError) {
      throw new InputError(`blueprints: ${err.message}`, { location: at, code: 'macro_error', hint: err instanceof MacroError && err.file ? `the macro is defined in ${err.file}` : undefined });
    }
    throw err;
  }
  const wrapped = `MODEL (blueprints ${text})`;
  try {
    return readBlueprintList(new PhraseReader(wrapped, file), parseHeader(wrapped, file, 'MODEL').properties.get('blueprints')!);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`blueprints ${source.slice(p.start, p.end)} gave ${text}: ${err.message}`, { location: at, code: 'invalid_header' });
    throw err;
  }
}

/** `((k := v, ...), ...)` or `[(k := v), ...]`: each entry's variables as SQL values. */
function readBlueprintList(r: PhraseReader, p: Phrase): Record<string, { kind: 'sql'; text: string }>[] {
  const list = p.atoms[0];
  if (p.atoms.length !== 1 || list.type !== 'group' || !list.items.length) r.fail('blueprints must be a list of (name := value, ...) entries', p.start);
  return (list as Extract<Atom, { type: 'group' }>).items.map((item) => {
    const entry = item.atoms[0];
    if (item.atoms.length !== 1 || entry.type !== 'group') r.fail('each blueprint is a (name := value, ...) entry', item.start);
    const vars: Record<string, { kind: 'sql'; text: string }> = {};
    for (const pair of (entry as Extract<Atom, { type: 'group' }>).items) {
      const [k, op, v, ...rest] = pair.atoms;
      if (k?.type !== 'ident' || op?.type !== 'op' || (op.value !== ':=' && op.value !== '=') || !v || rest.length || v.type === 'group' || v.type === 'op') {
        r.fail('a blueprint variable is written name := value (a name, a string or a number)', pair.start);
      }
      const value = v as { type: 'ident' | 'string' | 'number'; value: string };
      vars[(k as { value: string }).value.toLowerCase()] = sql(value.type === 'string' ? `'${value.value.replace(/'/g, "''")}'` : value.value) as { kind: 'sql'; text: string };
    }
    return vars;
  });
}

/** The header with `blueprints ...` (and the comma after it) replaced by spaces; line breaks kept. */
function blankProperty(source: string, start: number, end: number): string {
  const comma = /^\s*,/.exec(source.slice(end));
  const stop = comma ? end + comma[0].length : end;
  return source.slice(0, start) + source.slice(start, stop).replace(/[^\n]/g, ' ') + source.slice(stop);
}
