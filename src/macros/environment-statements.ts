import { InputError } from '../errors.js';
import { MacroError, MacroEvaluator, type MacroContext } from './evaluator.js';
import { runtimeValue, TIME_VARIABLES, type RuntimeStage } from './runtime-variables.js';
import { resolveStatementNames } from './statement-names.js';
import { splitTokens, tokenize, TokenError, trimTokens } from './tokens.js';
import { itemsOf, valueSql } from './values.js';

export interface EnvironmentStatementsInput extends Pick<MacroContext, 'dialect' | 'variables' | 'macros'> {
  /** The config key, `beforeAll` or `afterAll`, and the config file, for errors. */
  key: 'beforeAll' | 'afterAll';
  configFile?: string;
  environment: NonNullable<MacroContext['environment']>;
  gateway: string;
  execution: Date;
  /** A model name written in a statement: its physical table in the plan, or undefined to leave it. */
  resolve: (name: string) => string | undefined;
}

/**
 * Renders the config's `beforeAll` or `afterAll` list as SQLMesh renders before_all and
 * after_all: macros expanded with @this_env, @gateway, config variables, the execution
 * time and @runtime_stage ('before_all' / 'after_all'); project macros see the
 * environment's views and schemas. An entry may hold several statements (split at `;`),
 * and a statement that is one macro call returning a list becomes one statement per item
 * (a macro granting on every view). Model names written in an entry resolve before macros
 * expand, so the names a macro returns (evaluator.views) are used as they are.
 * Rendered before anything runs: a bad entry is bad input and nothing is applied.
 */
export function renderEnvironmentStatements(entries: readonly string[], input: EnvironmentStatementsInput): string[] {
  const stage: RuntimeStage = input.key === 'beforeAll' ? 'before_all' : 'after_all';
  const times = { start: input.execution, end: input.execution, execution: input.execution };
  const runtime: Record<string, string> = { runtime_stage: runtimeValue('runtime_stage', times, '', stage)! };
  for (const name of TIME_VARIABLES) runtime[name] = runtimeValue(name, times, '', stage)!;
  const ev = new MacroEvaluator({
    dialect: input.dialect,
    variables: input.variables,
    macros: input.macros,
    runtime,
    environment: input.environment,
    statics: { this_env: `'${input.environment.name}'`, gateway: `'${input.gateway.replace(/'/g, "''")}'` },
  });
  const out: string[] = [];
  entries.forEach((entry, i) => {
    try {
      for (const statement of splitTokens(tokenize(resolveStatementNames(entry, input.resolve)), ';').map(trimTokens)) {
        if (!statement.length) continue;
        const value = ev.valueOf(statement, ev.scope);
        const rendered = value.kind === 'list' ? itemsOf(value).map(valueSql) : [valueSql(value)];
        for (const sql of rendered.map((s) => s.trim()).filter(Boolean)) {
          if (/@this_model\b/i.test(sql)) throw new MacroError('@this_model names a model; beforeAll and afterAll run once for the whole environment', 0);
          out.push(sql);
        }
      }
    } catch (err) {
      if (!(err instanceof MacroError || err instanceof TokenError)) throw err;
      const file = err instanceof MacroError ? err.file : undefined;
      throw new InputError(`config key '${input.key}[${i}]': ${err.message}`, {
        location: input.configFile ? { file: input.configFile } : undefined,
        code: 'macro_error',
        hint: file ? `the macro is defined in ${file}` : undefined,
      });
    }
  });
  return out;
}
