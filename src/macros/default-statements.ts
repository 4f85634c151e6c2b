import type { ModelDefaults } from '../config/types.js';
import { MacroError, MacroEvaluator, type MacroContext } from './evaluator.js';
import { splitTokens, tokenize, TokenError, trimTokens } from './tokens.js';

export type DefaultStatementKey = 'preStatements' | 'postStatements' | 'onVirtualUpdate';

/** A default statement that does not expand, and which config entry it is. */
export class DefaultStatementError extends Error {
  constructor(readonly key: DefaultStatementKey, readonly index: number, readonly problem: MacroError) {
    super(`config key 'modelDefaults.${key}[${index}]': ${problem.message}`);
  }
}

/**
 * The config's `modelDefaults` statements for one model, expanded with that model's macro
 * context (its variables, blueprint, project macros, @this_model left for each run), as
 * SQLMesh renders model_defaults' pre_statements, post_statements and on_virtual_update
 * with each model. An entry may hold several statements (split at `;`).
 */
export function expandDefaultStatements(defaults: ModelDefaults, ctx: MacroContext): Record<DefaultStatementKey, string[]> {
  const out: Record<DefaultStatementKey, string[]> = { preStatements: [], postStatements: [], onVirtualUpdate: [] };
  for (const key of Object.keys(out) as DefaultStatementKey[]) {
    (defaults[key] ?? []).forEach((entry, i) => {
      const ev = new MacroEvaluator(ctx);
      try {
        for (const st of splitTokens(tokenize(entry), ';').map(trimTokens)) {
          const sql = st.length ? ev.expand(st, ev.scope).trim() : '';
          if (sql) out[key].push(sql);
        }
      } catch (err) {
        if (err instanceof TokenError) throw new DefaultStatementError(key, i, new MacroError(err.message, err.offset));
        if (err instanceof MacroError) throw new DefaultStatementError(key, i, err);
        throw err;
      }
    });
  }
  return out;
}
