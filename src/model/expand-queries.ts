import type { Dialect, ResolvedConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { MacroError, type MacroContext, type RelationColumn } from '../macros/evaluator.js';
import { DefaultStatementError, expandDefaultStatements } from '../macros/default-statements.js';
import { expandModel, type ExpandedModel } from '../macros/expand-model.js';
import type { MacroTable } from '../macros/registry.js';
import { lineColumn } from '../util/text-position.js';
import { findMacros, MacroError as RuntimeMacroError, placeholderQuery } from './macros.js';
import type { ColumnDef, MacroCall, ModelDefinition, QueryShape, TableReference } from './model.js';
import type { QueryAnalysis } from './analysis-cache.js';

/** A model's query after macro expansion and parsing. */
export interface ExpandedQuery {
  expanded: ExpandedModel;
  /** Runtime variables left in the expanded query, rendered per batch. */
  macros: MacroCall[];
  references: TableReference[];
  shape: QueryShape;
  /** Config variables the model's macros read, with their values. */
  variables: Record<string, unknown>;
  /** The text parsed: the expanded query with its runtime macros as placeholders. */
  template: string;
  /**
   * Whether the result follows from the model's file and the load's inputs alone: false when
   * its macros asked for a relation's columns or called a TypeScript macro (model-cache.ts).
   */
  cacheable: boolean;
}

/** @STAR asked for a model whose query is not parsed yet: expand this one in a later round. */
class PendingColumns extends Error {}

/**
 * Expands every model's macros, then parses the queries in batches. A model whose
 * macros need another model's columns (@STAR, @UNION, a TypeScript macro calling
 * `evaluator.columns`) waits for that model's round, so columns come from parsed
 * queries as well as declared `columns`.
 */
export async function expandAndParse(
  defs: readonly ModelDefinition[],
  byName: ReadonlyMap<string, ModelDefinition>,
  config: ResolvedConfig,
  variables: Record<string, unknown>,
  opts: {
    macros: MacroTable;
    /** Parses and analyzes templates (load-project's cache of analyses). */
    analyze: (dialects: readonly Dialect[], templates: readonly string[]) => Promise<QueryAnalysis[]>;
    /** Declared columns of a table outside the project (external_models.yaml). */
    externalColumns?: (name: string) => readonly ColumnDef[] | undefined;
    blueprints?: ReadonlyMap<ModelDefinition, MacroContext['blueprint']>;
    jinjaMacros?: MacroContext['jinjaMacros'];
    /** Models already expanded and parsed (from the model cache): not done again, and their columns are known. */
    known?: ReadonlyMap<ModelDefinition, ExpandedQuery>;
  },
): Promise<Map<ModelDefinition, ExpandedQuery>> {
  const done = new Map<ModelDefinition, ExpandedQuery>(opts.known ?? []);
  let pending = defs.filter((d) => !done.has(d));
  // Set while one model expands: whether it read what its own file does not hold.
  let outside = false;
  const macros = new Map([...opts.macros].map(([name, m]) => [name, m.file ? { ...m, impl: ((...args) => ((outside = true), m.impl(...args))) as typeof m.impl } : m]));
  while (pending.length) {
    const round: { def: ModelDefinition; expanded: ExpandedModel; macros: MacroCall[]; template: string; variables: Record<string, unknown>; cacheable: boolean }[] = [];
    const waiting: ModelDefinition[] = [];
    for (const def of pending) {
      const used: Record<string, unknown> = {};
      outside = false;
      const columnsOf = (relation: string): RelationColumn[] | undefined => {
        outside = true;
        const target = byName.get(relation);
        if (!target) return opts.externalColumns?.(relation)?.map((c) => ({ name: c.name, type: c.type }));
        if (target.columns?.length) return target.columns.map((c) => ({ name: c.name, type: c.type }));
        const parsed = done.get(target);
        if (parsed) return parsed.shape.columns?.map((name) => ({ name }));
        if (target.query && target !== def) throw new PendingColumns(relation);
        return undefined;
      };
      let expanded: ExpandedModel;
      try {
        const ctx: MacroContext = {
          dialect: def.dialect,
          variables,
          blueprint: opts.blueprints?.get(def),
          statics: { gateway: `'${config.defaultGateway.replace(/'/g, "''")}'`, model_kind_name: `'${def.kind.name}'` },
          columnsOf,
          macros,
          jinjaMacros: opts.jinjaMacros,
          onVariable: (k, v) => (used[k] = v),
        };
        expanded = withDefaultStatements(expandModel(def.query, ctx), config, ctx);
      } catch (err) {
        if (err instanceof DefaultStatementError) {
          throw new InputError(`${err.message} (expanding it for model ${def.name})`, { location: config.configFile ? { file: config.configFile } : undefined, code: 'macro_error', hint: err.problem.file ? `the macro is defined in ${err.problem.file}` : undefined });
        }
        if (err instanceof PendingColumns) {
          waiting.push(def);
          continue;
        }
        if (err instanceof MacroError) throw macroInputError(def, err);
        throw err;
      }
      let found: MacroCall[];
      try {
        found = findMacros(expanded.query);
      } catch (err) {
        if (err instanceof RuntimeMacroError) throw new InputError(err.message, { location: at(def, def.queryOffset + expanded.sourceOffset(err.offset)) });
        throw err;
      }
      for (const m of found) if (m.variable !== undefined && variables[m.variable] !== undefined) used[m.variable] = variables[m.variable];
      round.push({ def, expanded, macros: found, template: placeholderQuery(expanded.query, found), variables: used, cacheable: !outside });
    }
    if (!round.length) {
      const first = waiting[0];
      throw new InputError(`the columns ${first.name}'s macros need come from models that wait on each other (@STAR or @UNION in a cycle)`, { location: at(first, first.queryOffset), code: 'macro_error' });
    }
    const outcomes = await opts.analyze(round.map((r) => r.def.dialect), round.map((r) => r.template));
    round.forEach((r, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) {
        const expandedNote = !r.expanded.changed ? '' : ' (in the query after macro expansion; `planner render` shows it)';
        throw new InputError(`SQL does not parse: ${outcome.message}${expandedNote}`, {
          location: at(r.def, r.def.queryOffset + r.expanded.sourceOffset(outcome.offset ?? 0)),
          code: 'invalid_sql',
        });
      }
      const { references, shape } = outcome;
      done.set(r.def, { expanded: r.expanded, macros: r.macros, references, shape, variables: r.variables, template: r.template, cacheable: r.cacheable });
    });
    pending = waiting;
  }
  return done;
}

/**
 * The config's default statements go before the model's own, as SQLMesh merges
 * model_defaults' statements (defaults first), so they enter the same hashes: pre and
 * post the data hash, on-virtual-update the metadata hash.
 */
function withDefaultStatements(expanded: ExpandedModel, config: ResolvedConfig, ctx: MacroContext): ExpandedModel {
  const d = config.modelDefaults;
  if (!d.preStatements?.length && !d.postStatements?.length && !d.onVirtualUpdate?.length) return expanded;
  const defaults = expandDefaultStatements(d, ctx);
  return {
    ...expanded,
    pre: [...defaults.preStatements, ...expanded.pre],
    post: [...defaults.postStatements, ...expanded.post],
    onVirtualUpdate: [...defaults.onVirtualUpdate, ...expanded.onVirtualUpdate],
  };
}

/** A macro error as bad input at the model's file:line:col, naming the macro file involved. */
export function macroInputError(def: ModelDefinition, err: MacroError): InputError {
  return new InputError(err.message, {
    location: at(def, def.queryOffset + err.offset),
    code: 'macro_error',
    hint: err.file ? `the macro is defined in ${err.file}` : undefined,
  });
}

function at(def: ModelDefinition, offset: number) {
  return { file: def.file, ...lineColumn(def.source, Math.max(offset, 0)) };
}
