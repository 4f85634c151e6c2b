import { ConflictError } from '../errors.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { viewName } from '../snapshot/virtual-names.js';
import type { StateStore } from '../state/state-store.js';
import { quoteTable } from '../util/identifiers.js';
import type { Plan } from './plan.js';
import { buildSnapshot } from './build-snapshot.js';
import { silentReporter, type ApplyReporter } from './reporter.js';

export interface EvaluatorDeps {
  engine: EngineAdapter;
  state: StateStore;
  projectDir: string;
  /** State lives on the engine's own connection: promotion and its record share a transaction. */
  stateSharesConnection: boolean;
  reporter?: ApplyReporter;
  now?: () => Date;
}

export interface ApplyResult {
  built: string[];
  viewsChanged: number;
  viewsDropped: number;
}

/**
 * Applies a plan in stages: check it is not stale, record new snapshots, build missing
 * tables parents first (each recorded only once fully built), then swap the
 * environment's views and record the environment, atomically where the engine allows.
 * Running it again after a crash picks up where it stopped.
 */
export async function applyPlan(plan: Plan, deps: EvaluatorDeps, expiresAt: number | null): Promise<ApplyResult> {
  const { engine, state } = deps;
  const reporter = deps.reporter ?? silentReporter;
  const now = deps.now ?? (() => new Date());
  await assertNotStale(plan, state);

  const fresh = plan.newSnapshotIds.map((id) => plan.snapshots[id]);
  if (fresh.length) await state.insertSnapshots(fresh);

  const parentOf = (name: string) => {
    const id = plan.target[name];
    return id ? plan.snapshots[id] : undefined;
  };
  const schemas = new Set(plan.builds.map((id) => plan.snapshots[id].physical.schema));
  for (const schema of schemas) await engine.createSchema(schema);
  for (const [i, id] of plan.builds.entries()) {
    const snapshot = plan.snapshots[id];
    reporter.buildStarted?.(snapshot, i, plan.builds.length);
    const started = Date.now();
    await buildSnapshot(snapshot, parentOf, { engine, projectDir: deps.projectDir }, now());
    await state.recordBuilt({ name: snapshot.name, version: snapshot.version, ...snapshot.physical, builtAt: now().getTime() });
    reporter.buildFinished?.(snapshot, i, plan.builds.length, Date.now() - started);
  }

  const promote = async () => {
    const envSchemas = new Set(plan.viewChanges.upsert.map((n) => viewOf(plan, n).schema));
    for (const schema of envSchemas) await engine.createSchema(schema);
    for (const name of plan.viewChanges.upsert) {
      const target = plan.snapshots[plan.target[name]];
      await engine.replaceView(viewOf(plan, name), `SELECT * FROM ${quoteTable(target.physical)}`);
    }
    for (const name of plan.viewChanges.drop) {
      const [schema, table] = name.split('.');
      await engine.dropView(viewName(schema, table, plan.environment));
    }
  };
  const record = async () => {
    const at = now().getTime();
    const current = await state.getEnvironment(plan.environment);
    await state.setEnvironment(
      {
        name: plan.environment,
        snapshots: plan.target,
        views: plan.views,
        createdFrom: current?.createdFrom ?? (plan.isNewEnvironment ? plan.base : null),
        planId: plan.id,
        previousPlanId: current?.planId ?? null,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
        expiresAt,
      },
      plan.expectedPlanId,
    );
    await state.recordPlan({ id: plan.id, environment: plan.environment, appliedAt: at, summary: planSummary(plan) });
  };
  if (deps.stateSharesConnection && engine.capabilities.transactionalDdl) {
    await engine.transaction(async () => {
      await promote();
      await record();
    });
  } else {
    await engine.transaction(promote);
    await record();
  }
  reporter.promoted?.(plan.environment, plan.viewChanges.upsert.length, plan.viewChanges.drop.length);
  return { built: plan.builds, viewsChanged: plan.viewChanges.upsert.length, viewsDropped: plan.viewChanges.drop.length };
}

async function assertNotStale(plan: Plan, state: StateStore): Promise<void> {
  const current = await state.getEnvironment(plan.environment);
  if ((current?.planId ?? null) !== plan.expectedPlanId) {
    throw new ConflictError(
      `environment '${plan.environment}' changed since this plan was made (now at plan ${current?.planId ?? 'none'}); plan is stale, plan again`,
      { code: 'stale_plan' },
    );
  }
}

function viewOf(plan: Plan, name: string) {
  const s = plan.snapshots[plan.target[name]];
  return viewName(s.model.schema, s.model.table, plan.environment);
}

export function planSummary(plan: Plan): Record<string, unknown> {
  return {
    added: plan.added,
    removed: plan.removed,
    directlyModified: plan.directlyModified,
    indirectlyModified: plan.indirectlyModified.map(({ name, category }) => ({ name, category })),
    built: plan.builds.map((id) => plan.snapshots[id].name),
  };
}
