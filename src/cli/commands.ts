import type { Command } from './command-spec.js';

/**
 * A command as `planner --help` lists it, with its module imported only when it runs:
 * each command module brings its engine, parser and report libraries, and loading every
 * one of them cost `planner --version` most of its time. `command` and `describe` repeat
 * the spec's (a test checks they are equal).
 */
export interface CommandEntry {
  readonly command: string;
  readonly describe: string;
  load(): Promise<Command>;
}

/** Every command of the CLI, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { command: 'init', describe: 'create a new project here (or in --project DIR): config, models, seeds, audits, tests', load: async () => (await import('./commands/init.js')).initSpec },
  { command: 'plan [environment]', describe: 'plan an environment (default prod) and apply it on confirmation', load: async () => (await import('./commands/plan.js')).planSpec },
  { command: 'approve <file>', describe: 'approve a plan saved with `planner plan ENV --out FILE` (recorded in state, bound to the file)', load: async () => (await import('./commands/approve.js')).approveSpec },
  { command: 'apply <file>', describe: 'apply a plan saved with `planner plan ENV --out FILE`', load: async () => (await import('./commands/apply.js')).applySpec },
  { command: 'run [environment]', describe: 'compute the intervals whose cron is due since the last run, for every model of ENV (default prod)', load: async () => (await import('./commands/run.js')).runSpec },
  { command: 'fetchdf <sql>', describe: "run a query with an environment's model names resolved", load: async () => (await import('./commands/fetchdf.js')).fetchdfSpec },
  { command: 'table-diff <targets..>', describe: 'compare a model’s data between two environments (MODEL ENV_A ENV_B), or every changed model (ENV_A ENV_B)', load: async () => (await import('./commands/table-diff.js')).tableDiffSpec },
  { command: 'audit', describe: "run the audits of an environment's models on their tables", load: async () => (await import('./commands/audit.js')).auditSpec },
  { command: 'test [tests..]', describe: 'run the unit tests in tests/*.yaml against in-memory input rows', load: async () => (await import('./commands/test.js')).testSpec },
  { command: 'diff <env_a> [env_b]', describe: 'which models differ between ENV_A and ENV_B (or the local project and ENV_A), with the SQL diff', load: async () => (await import('./commands/diff.js')).diffSpec },
  { command: 'validate <environment>', describe: 'validation metrics (rows, distinct keys, NULL rates, totals) of an environment against another; exit 1 on flags', load: async () => (await import('./commands/validate.js')).validateSpec },
  { command: 'grants <environment>', describe: "let the environment's roles (config access) read its views, and nothing else (PostgreSQL)", load: async () => (await import('./commands/grants.js')).grantsSpec },
  { command: 'environments', describe: 'list the environments of every gateway (or of --gateway): models, last apply and plan, expiry', load: async () => (await import('./commands/environments.js')).environmentsSpec },
  { command: 'invalidate <environment>', describe: 'expire an environment now (refused for prod); the janitor then removes it', load: async () => (await import('./commands/invalidate.js')).invalidateSpec },
  { command: 'janitor', describe: 'drop expired environments and the physical tables no environment uses', load: async () => (await import('./commands/janitor.js')).janitorSpec },
  { command: 'render <model..>', describe: "print a model's query as it will run, with references resolved to tables", load: async () => (await import('./commands/render.js')).renderSpec },
  { command: 'info', describe: 'show the project, gateway, connection, model count and state version', load: async () => (await import('./commands/info.js')).infoSpec },
  { command: 'dag', describe: 'print the model graph as text, Mermaid or DOT', load: async () => (await import('./commands/dag.js')).dagSpec },
  { command: 'verify [environment]', describe: "check that environments' views and tables match state; exit 1 on any problem", load: async () => (await import('./commands/verify.js')).verifySpec },
  { command: 'migrate', describe: "bring the state schema and stored fingerprints up to this planner's version (builds nothing)", load: async () => (await import('./commands/migrate.js')).migrateSpec },
  { command: 'create-external-models', describe: 'write external_models.yaml (names, columns, types) from the warehouse for every table the models read that is not a model', load: async () => (await import('./commands/create-external-models.js')).createExternalModelsSpec },
  { command: 'ui', describe: 'serve the plan and diff reports of this project on 127.0.0.1, read-only', load: async () => (await import('./commands/ui.js')).uiSpec },
];
