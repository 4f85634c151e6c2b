import type { ResolvedConfig } from '../config/types.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { kindStrategy } from '../kinds/registry.js';
import { renderEnvironmentStatements } from '../macros/environment-statements.js';
import { projectMacroTable } from '../macros/project-macros.js';
import { viewName } from '../snapshot/virtual-names.js';
import { quoteIdent, quoteTable } from '../util/identifiers.js';
import type { Plan } from './plan.js';

/** The config's beforeAll / afterAll, rendered for one plan. */
export interface EnvironmentStatements {
  before: string[];
  after: string[];
}

/** What rendering needs of a plan, or of an environment as recorded (`planner run`). */
export type EnvironmentShape = Pick<Plan, 'environment' | 'views' | 'layout' | 'target' | 'snapshots'>;

/**
 * Renders `beforeAll` and `afterAll` for `plan` before anything runs, so a bad entry
 * stops the apply with nothing done. Model names resolve to the physical tables of the
 * plan's snapshots (as SQLMesh's table mapping does); project macros get the
 * environment's views and schemas.
 */
export async function prepareEnvironmentStatements(
  plan: EnvironmentShape,
  input: { config: ResolvedConfig; engine: EngineAdapter; variables: Record<string, unknown>; gateway: string; execution: Date },
): Promise<EnvironmentStatements> {
  const { config } = input;
  if (!config.beforeAll.length && !config.afterAll.length) return { before: [], after: [] };
  const views = plan.views.map((name) => {
    const { schema, table } = plan.snapshots[plan.target[name]].model;
    return viewName(schema, table, plan.environment, plan.layout);
  });
  const common = {
    dialect: input.engine.dialect,
    variables: input.variables,
    macros: await projectMacroTable(config.projectDir),
    configFile: config.configFile,
    environment: { name: plan.environment, views: views.map(quoteTable), schemas: [...new Set(views.map((v) => v.schema))].map(quoteIdent) },
    gateway: input.gateway,
    execution: input.execution,
    resolve: (name: string) => {
      const id = plan.target[name];
      const snapshot = id ? plan.snapshots[id] : undefined;
      return snapshot && kindStrategy(snapshot.model.kind).reference === 'physical' ? quoteTable(snapshot.physical) : undefined;
    },
  };
  return {
    before: renderEnvironmentStatements(config.beforeAll, { ...common, key: 'beforeAll' }),
    after: renderEnvironmentStatements(config.afterAll, { ...common, key: 'afterAll' }),
  };
}

/** Runs rendered statements in one transaction, as SQLMesh runs each list. */
export async function runEnvironmentStatements(engine: EngineAdapter, statements: readonly string[]): Promise<void> {
  if (!statements.length) return;
  await engine.transaction(async () => {
    for (const sql of statements) await engine.execute(sql);
  });
}
