import type { Command } from './command-spec.js';
import { applySpec } from './commands/apply.js';
import { approveSpec } from './commands/approve.js';
import { auditSpec } from './commands/audit.js';
import { createExternalModelsSpec } from './commands/create-external-models.js';
import { dagSpec } from './commands/dag.js';
import { diffSpec } from './commands/diff.js';
import { environmentsSpec } from './commands/environments.js';
import { fetchdfSpec } from './commands/fetchdf.js';
import { grantsSpec } from './commands/grants.js';
import { initSpec } from './commands/init.js';
import { infoSpec } from './commands/info.js';
import { invalidateSpec } from './commands/invalidate.js';
import { janitorSpec } from './commands/janitor.js';
import { migrateSpec } from './commands/migrate.js';
import { planSpec } from './commands/plan.js';
import { renderSpec } from './commands/render.js';
import { runSpec } from './commands/run.js';
import { testSpec } from './commands/test.js';
import { tableDiffSpec } from './commands/table-diff.js';
import { validateSpec } from './commands/validate.js';
import { uiSpec } from './commands/ui.js';
import { verifySpec } from './commands/verify.js';

/** Every command of the CLI, in the order `--help` lists them. */
export const COMMANDS: Command[] = [initSpec, planSpec, approveSpec, applySpec, runSpec, fetchdfSpec, tableDiffSpec, auditSpec, testSpec,
  diffSpec, validateSpec, grantsSpec, environmentsSpec, invalidateSpec, janitorSpec, renderSpec, infoSpec, dagSpec, verifySpec, migrateSpec, createExternalModelsSpec, uiSpec];
