import { randomBytes } from 'node:crypto';
import { auditStage, batchAuditor } from './audit/run-audits.js';
import { environmentSettings, type EnvironmentSettings } from './config/environment-settings.js';
import { loadConfig } from './config/load-config.js';
import { resolveGateway } from './config/resolve-gateway.js';
import type { GatewayConfig, ResolvedConfig } from './config/types.js';
import { ConflictError, EngineError, InputError, PlannerError } from './errors.js';
import { assertApproved } from './governance/approvals.js';
import { throughMaskingViews } from './governance/masking.js';
import { assertGatewayAllowed } from './governance/policies.js';
import type { EngineAdapter, HeldLock, QueryResult } from './engine/engine-adapter.js';
import { runJanitor, type JanitorOptions, type JanitorReport } from './lifecycle/janitor.js';
import { migrateFingerprints, type FingerprintMigration } from './lifecycle/migrate-fingerprints.js';
import { loadProject, type Project } from './model/load-project.js';
import { crashPointsFromEnv } from './plan/crash-points.js';
import { CollectLocks } from './plan/collect-lock.js';
import { EnvironmentLocks } from './plan/environment-lock.js';
import { prepareEnvironmentStatements, runEnvironmentStatements, type EnvironmentShape, type EnvironmentStatements } from './plan/environment-statements.js';
import { applyPlan, type ApplyResult } from './plan/evaluator.js';
import type { Plan } from './plan/plan.js';
import { planEnvironment, type PlanningContext, type PlanOptions } from './plan/plan-environment.js';
import { planDifferences, type ReadPlan } from './plan/saved-plan.js';
import { dueWork, nothingDue, runEnvironment, type RunResult } from './plan/run-environment.js';
import type { ModelSelection } from './model/selectors.js';
import { assertNoProtectedWrites } from './plan/protected-writes.js';
import { resolveEnvironmentNames } from './plan/resolve-names.js';
import { modelsBehind, ReplacementHistory, type BehindModel } from './plan/environment-history.js';
import type { Snapshot } from './snapshot/snapshot.js';
import { PROD } from './snapshot/virtual-names.js';
import { PlanReadsCache } from './state/plan-reads-cache.js';
import type { Catalog } from './state/replay-sources.js';
import { PlanRecording } from './plan-recording.js';
import { openConnections, type Connections } from './warehouse-connections.js';
import { assertStateSchema } from './state/state-guard.js';
import { DEFAULT_LAYOUT } from './util/virtual-layouts.js';
import { isExpired, type EnvironmentRecord, type StateReader, type StateStore } from './state/state-store.js';
import { validateEnvironmentName } from './util/identifiers.js';
import { refuseSideEffects } from './util/read-only-sql.js';
import type { ContextOptions } from './context-options.js';

export type { PlanOptions } from './plan/plan-environment.js';

export type { ContextOptions } from './context-options.js';

/**
 * The facade the CLI and library users call: wires config, models, the engine, state
 * and a reporter. One context serves one gateway.
 * @example const ctx = await Context.open({ projectDir: '.' }); const plan = await ctx.plan('dev');
 */
export class Context {
  private constructor(
    readonly config: ResolvedConfig,
    readonly gatewayName: string,
    private readonly gateway: GatewayConfig,
    private readonly options: ContextOptions & Required<Pick<ContextOptions, 'crashPoints' | 'environmentLocks' | 'collectLocks'>>,
    /** The warehouse and state, once opened: at once, unless `lazy` and a recorded plan may make it unnecessary. */
    private connections?: Connections,
    /** Where lazy contexts' plans keep and find their reads, and applies keep the snapshots they insert (DuckDB only). */
    private readonly planReads?: PlanReadsCache,
    /** A lazy context's plans answered from, and recorded into, `planReads`. */
    private readonly recording?: PlanRecording,
  ) {}

  static async open(options: ContextOptions, environment = PROD): Promise<Context> {
    const config = await loadConfig(options.projectDir, options.secrets);
    const gatewayName = options.gateway ?? environmentSettings(config, environment).gateway;
    const gateway = resolveGateway(config, gatewayName);
    const injected = {
      crashPoints: options.crashPoints ?? crashPointsFromEnv(),
      environmentLocks: options.environmentLocks ?? new EnvironmentLocks(),
      collectLocks: options.collectLocks ?? new CollectLocks(),
    };
    const planReads = PlanReadsCache.for(config.projectDir, gatewayName, gateway, { stateSchema: config.stateSchema, project: config.project, sharedState: config.sharedState });
    const connections = options.lazy && planReads ? undefined : await openConnections(config, gateway);
    const recording = options.lazy && planReads ? new PlanRecording(planReads) : undefined;
    return new Context(config, gatewayName, gateway, { ...options, ...injected }, connections, planReads, recording);
  }

  /** Opens the warehouse and state if this (lazy) context has not yet; every command but a recorded plan needs them. */
  async ready(): Promise<void> {
    if (this.connections) return;
    // One opening however many callers wait on it at once (two would open the file twice).
    this.opening ??= openConnections(this.config, this.gateway).catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    this.connections = await this.opening;
  }
  private opening?: Promise<Connections>;

  /** Whether the warehouse and state are open (a lazy context opens them on first need). */
  get isOpen(): boolean {
    return this.connections !== undefined;
  }

  /** The engine the models are built on. A lazy context must be `ready()` first. */
  get engine(): EngineAdapter {
    return this.opened().engine;
  }

  get state(): StateStore {
    return this.opened().state;
  }

  /** The connection state lives on: the engine itself, or the gateway's separate `state` connection. */
  private get stateEngine(): EngineAdapter {
    return this.opened().stateEngine;
  }

  private opened(): Connections {
    if (!this.connections) throw new PlannerError('internal', 'the context has not opened its warehouse yet: await context.ready() first');
    // Used by anything but a plan's recorded reads: the warehouse may change, and this command's reads are not a plan's.
    this.recording?.spoil();
    return this.connections;
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** What intervals are computed for: `executionTime`, or now. */
  executionNow(): Date {
    return this.options.executionTime?.() ?? this.now();
  }

  settings(environment: string): EnvironmentSettings {
    return environmentSettings(this.config, environment);
  }

  /** The project as `environment`'s variables render it; read once per context (one command). */
  loadProject(environment = PROD): Promise<Project> {
    let loaded = this.projects.get(environment);
    if (!loaded) {
      loaded = loadProject(this.config, this.settings(environment).variables);
      this.projects.set(environment, loaded);
      loaded.catch(() => this.projects.delete(environment));
    }
    return loaded;
  }
  private readonly projects = new Map<string, Promise<Project>>();

  /** Environment names in state that have not expired, for error hints. */
  async knownEnvironments(reader?: StateReader): Promise<string[]> {
    if (!reader) await this.ready();
    return (await (reader ?? this.state).listEnvironments()).filter((e) => this.live(e)).map((e) => e.name);
  }

  /** The environment if it exists and has not expired: an expired one is gone for every command but the janitor. */
  private live(env: EnvironmentRecord | undefined): EnvironmentRecord | undefined {
    return env && !isExpired(env, this.now().getTime()) ? env : undefined;
  }

  /** The environment, live; an error naming the known ones otherwise. `reader`: where to read it (a plan's), else state. */
  async requireEnvironment(name: string, reader?: StateReader): Promise<EnvironmentRecord> {
    validateEnvironmentName(name);
    if (!reader) await this.ready();
    const env = await (reader ?? this.state).getEnvironment(name);
    if (env && !this.live(env)) {
      throw new InputError(`environment '${name}' expired at ${new Date(env.expiresAt!).toISOString()}`, {
        code: 'expired_environment',
        hint: `\`planner plan ${name}\` creates it again; \`planner janitor\` removes what is left of it`,
      });
    }
    if (!env) {
      const known = await this.knownEnvironments(reader);
      throw new InputError(`unknown environment '${name}'`, {
        code: 'unknown_environment',
        hint: known.length ? `known environments: ${known.join(', ')}` : 'no environment exists yet: run `planner plan` first',
      });
    }
    return env;
  }

  /**
   * Plans `environment` against the local project. Reads state; changes nothing. A lazy
   * context first tries the reads the last plan recorded (plan-reads-cache.ts): while the
   * warehouse is unchanged they are what state would answer, so the plan is the same and
   * the warehouse is never opened; any read not recorded plans against the warehouse.
   */
  async plan(environment = PROD, options: PlanOptions = {}): Promise<Plan> {
    const replayed = await this.replayed((r) => planEnvironment(this.planning(r.state, r.catalog), environment, options));
    if (replayed) {
      this.plannedFromRecording = replayed.unchanged;
      return replayed.value;
    }
    await this.ready();
    this.plannedFromRecording = undefined;
    const open = this.connections!;
    const { state, engine } = this.recording?.sources(open) ?? open;
    return planEnvironment(this.planning(state, engine), environment, options);
  }

  /** `fn` answered from the recorded reads (PlanRecording.replay), in a lazy context that has not opened its warehouse. */
  private async replayed<T>(fn: (recorded: { state: StateStore; catalog: Catalog }) => Promise<T>): Promise<{ value: T; unchanged: () => boolean } | undefined> {
    return this.connections ? undefined : this.recording?.replay(fn);
  }

  /** Set once a plan came from recorded reads: whether the warehouse is still as they were read. */
  private plannedFromRecording?: () => boolean;

  /**
   * Before an apply: a plan made from recorded reads was made without holding the
   * warehouse, so another process may have written it since. Asked once this context
   * holds the warehouse (DuckDB locks the file), so nothing can change it afterwards.
   */
  private assertPlannedOnCurrentWarehouse(): void {
    if (this.plannedFromRecording && !this.plannedFromRecording()) {
      throw new ConflictError('the warehouse changed since this plan was made (another planner wrote it); plan is stale, plan again; nothing was done', { code: 'stale_plan' });
    }
  }

  private planning(state: StateStore, engine: PlanningContext['engine']): PlanningContext {
    return {
      config: this.config,
      gatewayName: this.gatewayName,
      engine,
      state,
      settings: (e) => this.settings(e),
      live: (e) => this.live(e),
      loadProject: (e) => this.loadProject(e),
      requireEnvironment: (e) => this.requireEnvironment(e, state),
      now: () => this.now(),
      executionNow: () => this.executionNow(),
    };
  }

  /** The models where `env` reads prod's older tables: prod replaced the definitions it holds. */
  async behindProd(env: EnvironmentRecord, prodHistory?: ReplacementHistory): Promise<BehindModel[]> {
    if (env.name === PROD) return [];
    await this.ready();
    const prod = await this.state.getEnvironment(PROD);
    return modelsBehind(env, prod, prodHistory ?? new ReplacementHistory(await this.state.listPlans(PROD)));
  }

  /**
   * Takes `environment`'s lock for `holder` (a plan or run id), as an apply does first: in
   * this context, and on PostgreSQL between processes. Fails at once when it is held.
   */
  async lockEnvironment(environment: string, holder: string): Promise<HeldLock> {
    await this.ready();
    return this.options.environmentLocks.lock(this.stateEngine, this.config.stateSchema, environment, holder);
  }

  /** The config's beforeAll / afterAll rendered for a plan, or for an environment as recorded (a run). */
  private async environmentStatements(target: EnvironmentShape | EnvironmentRecord): Promise<EnvironmentStatements> {
    if (!this.config.beforeAll.length && !this.config.afterAll.length) return { before: [], after: [] };
    const shape: EnvironmentShape = 'planId' in target
      ? { environment: target.name, views: target.views, layout: target.layout ?? DEFAULT_LAYOUT, target: target.snapshots, snapshots: Object.fromEntries(await this.state.getSnapshots(Object.values(target.snapshots))) }
      : target;
    return prepareEnvironmentStatements(shape, {
      config: this.config,
      engine: this.engine,
      variables: this.settings(shape.environment).variables,
      gateway: this.gatewayName,
      execution: this.executionNow(),
    });
  }

  /** Builds what the plan needs and promotes the environment. */
  async apply(plan: Plan): Promise<ApplyResult> {
    assertGatewayAllowed(this.settings(plan.environment), this.gatewayName);
    await this.ready();
    this.assertPlannedOnCurrentWarehouse();
    await assertStateSchema(this.state);
    const ttl = this.settings(plan.environment).ttlMs;
    // The environment's lock comes first: a second apply fails here, before any work.
    const lock = await this.lockEnvironment(plan.environment, plan.id);
    let collect: HeldLock | undefined;
    try {
      collect = await this.options.collectLocks.holdAgainstJanitor(this.stateEngine, this.config.stateSchema, plan.id);
      await assertNoProtectedWrites(plan, this.state, (name) => this.settings(name).protected);
      const statements = await this.environmentStatements(plan);
      await runEnvironmentStatements(this.engine, statements.before);
      const result = await applyPlan(
        plan,
        {
          engine: this.engine,
          state: this.state,
          projectDir: this.config.projectDir,
          stateSharesConnection: this.stateEngine === this.engine,
          reporter: this.options.reporter,
          now: () => this.executionNow(),
          clock: () => this.now(),
          maxRowsPerModel: this.settings(plan.environment).policies.maxRowsPerModel,
          maxBuildMinutes: this.settings(plan.environment).policies.maxBuildMinutes,
          crashPoints: this.options.crashPoints,
          readRoles: this.settings(plan.environment).readRoles,
        },
        ttl === null ? null : this.now().getTime() + ttl,
      );
      await runEnvironmentStatements(this.engine, statements.after);
      // What it inserted, as state stores it: a later plan from recorded reads may need one whole (plan-reads-cache.ts).
      this.planReads?.kept().remember(plan.newSnapshotIds.map((id) => plan.snapshots[id]));
      return result;
    } finally {
      await collect?.release();
      await lock.release();
    }
  }

  /**
   * Applies a saved plan as a promise, not a script: plans `saved.environment` again from
   * the current project and state with the saved options, refuses (nothing run) when that
   * plan differs from the saved one (`planDifferences`), and applies the plan it derived,
   * under the saved plan's id. Nothing of the file is executed.
   */
  async applySaved(saved: ReadPlan, beforeApply?: (plan: Plan) => void): Promise<{ plan: Plan; result: ApplyResult }> {
    const environment = saved.plan.environment;
    validateEnvironmentName(environment);
    await this.ready();
    await assertApproved(this.state, saved, this.settings(environment));
    const stored = await this.state.getEnvironment(environment);
    if (stored?.planId === saved.plan.id) {
      return { plan: saved.plan, result: { built: [], viewsChanged: 0, viewsDropped: 0, alreadyApplied: true } };
    }
    // Stale first: a file made before the environment moved is stale whatever planning it
    // again would say (for a protected environment, the revert guard would speak first).
    if ((stored?.planId ?? null) !== saved.plan.expectedPlanId) throw stalePlan(environment, stored?.planId ?? null);
    const derived = await this.plan(environment, saved.options);
    if (derived.expectedPlanId !== saved.plan.expectedPlanId) throw stalePlan(environment, derived.expectedPlanId);
    const differences = planDifferences(saved.plan, derived);
    if (differences.length) {
      const shown = differences.slice(0, 5).join('; ') + (differences.length > 5 ? `; and ${differences.length - 5} more` : '');
      throw new ConflictError(`the saved plan is not what the project and state give now: ${shown}; nothing was done`, {
        code: 'plan_mismatch',
        hint: `plan again with \`planner plan ${environment} --out FILE\` and review that`,
      });
    }
    // The saved builds, in their order: after a killed run of this plan some are recorded
    // already (the evaluator skips those), and the record of the plan lists them all, as a
    // clean run's does. Each build's work still comes from the derived plan.
    const plan = { ...derived, id: saved.plan.id, builds: saved.plan.builds.filter((id) => derived.snapshots[id]) };
    beforeApply?.(plan);
    return { plan, result: await this.apply(plan) };
  }

  /**
   * `planner run`: computes, in DAG order, the intervals of `environment`'s models that
   * became due since they were last computed. Does nothing when nothing is due.
   */
  async run(environment = PROD, selection: ModelSelection = {}): Promise<RunResult> {
    assertGatewayAllowed(this.settings(environment), this.gatewayName);
    if (await this.nothingDueAsRecorded(environment, selection)) return { environment, models: [] };
    await this.ready();
    const open = this.connections!;
    // A lazy context records a run's reads as a plan's: one that computes and writes nothing leaves them for the next.
    const { state, engine } = this.recording?.sources(open) ?? open;
    try {
      await assertStateSchema(state);
      const env = await this.requireEnvironment(environment, state);
      const runId = `run-${randomBytes(6).toString('hex')}`;
      const lock = await this.options.environmentLocks.lock(open.stateEngine, this.config.stateSchema, environment, runId);
      let collect: HeldLock | undefined;
      try {
        collect = await this.options.collectLocks.holdAgainstJanitor(open.stateEngine, this.config.stateSchema, runId);
        const reporter = this.options.reporter ?? {};
        const statements = await this.environmentStatements(env);
        await runEnvironmentStatements(engine, statements.before);
        const result = await runEnvironment(env, {
          engine,
          state,
          projectDir: this.config.projectDir,
          reporter,
          now: () => this.executionNow(),
          clock: () => this.now(),
          atomic: open.stateEngine === open.engine && open.engine.capabilities.transactionalDdl,
          afterBatch: batchAuditor(auditStage(engine, this.config.projectDir, reporter.auditWarning?.bind(reporter), this.settings(environment).policies.maxRowsPerModel), () => this.executionNow()),
          isProtected: (name) => this.settings(name).protected,
          crashPoints: this.options.crashPoints,
          maxBuildMinutes: this.settings(environment).policies.maxBuildMinutes,
        }, selection);
        await runEnvironmentStatements(engine, statements.after);
        if (result.models.length || result.autoRestated) this.recording?.spoil();
        return result;
      } finally {
        await collect?.release();
        await lock.release();
      }
    } catch (err) {
      this.recording?.spoil();
      throw err;
    }
  }

  /**
   * A lazy context's run with nothing due, told from the recorded reads without opening
   * the warehouse (nor taking its lock: nothing is written). Not where the config runs
   * statements before or after every run, nor when anything is due: those open it.
   */
  private async nothingDueAsRecorded(environment: string, selection: ModelSelection): Promise<boolean> {
    if (this.config.beforeAll.length || this.config.afterAll.length) return false;
    const replayed = await this.replayed(async ({ state, catalog }) => {
      await assertStateSchema(state);
      const env = await this.requireEnvironment(environment, state);
      return nothingDue(await dueWork(env, { state, engine: catalog as EngineAdapter, atomic: true, now: () => this.executionNow(), isProtected: (name) => this.settings(name).protected }, selection));
    });
    return replayed?.value ?? false;
  }

  /**
   * Runs a query with model names resolved to `environment`'s tables, read-only unless
   * `write` is set (EngineAdapter.readOnly: on PostgreSQL a READ ONLY transaction).
   */
  async fetch(query: string, environment = PROD, options: { write?: boolean } = {}): Promise<QueryResult> {
    if (!options.write) refuseSideEffects(query, 'the query');
    await this.ready();
    // Before prod exists, plain SQL runs; a query of the project's models is refused with what to do.
    const env = environment === PROD && !this.live(await this.state.getEnvironment(PROD)) ? undefined : await this.requireEnvironment(environment);
    const snapshots = await this.state.getSnapshots(Object.values(env?.snapshots ?? {}));
    const byName = new Map<string, Snapshot>([...snapshots.values()].map((s) => [s.name, s]));
    const unbuilt = env ? undefined : { names: new Set((await this.loadProject(PROD)).models.keys()), refuse: notBuiltYet };
    const sql = await resolveEnvironmentNames(query, env ? throughMaskingViews(env, byName) : byName, this.config.modelDefaults.dialect, this.now(), unbuilt);
    try {
      return options.write ? await this.engine.query(sql) : await this.engine.readOnly(() => this.engine.query(sql));
    } catch (err) {
      // The user's own query failed (unknown table or column, bad types): bad input, exit 2.
      if (err instanceof EngineError) throw new InputError(`query failed: ${err.message}`, { code: 'invalid_query' });
      throw err;
    }
  }

  /**
   * Drops expired environments and the physical tables no environment uses; each expired
   * environment is removed under its lock, so an apply recreating it meanwhile wins.
   */
  async janitor(options: JanitorOptions = {}): Promise<JanitorReport> {
    await this.ready();
    const holder = `janitor-${randomBytes(6).toString('hex')}`;
    return runJanitor(
      {
        engine: this.engine,
        state: this.state,
        now: this.now(),
        lockEnvironment: (env) => this.lockEnvironment(env, holder),
        tryCollect: () => this.options.collectLocks.tryCollect(this.stateEngine, this.config.stateSchema, holder),
      },
      options,
    );
  }

  /**
   * `planner migrate`: recomputes the fingerprints that an older planner stored, keeping
   * every version and table; one process at a time, in one transaction of state.
   */
  async migrateFingerprints(): Promise<FingerprintMigration> {
    await this.ready();
    const lock = await this.stateEngine.locks?.lock(`migrate ${this.config.stateSchema}`, `planner migrate pid ${process.pid}`);
    try {
      return await this.stateEngine.transaction(() => migrateFingerprints(this.state));
    } finally {
      await lock?.release();
    }
  }

  async close(): Promise<void> {
    const open = this.connections;
    if (!open) return;
    this.connections = undefined;
    this.opening = undefined;
    // A lazy context that only planned keeps its reads for the next plan, written while it still holds the warehouse.
    const saved = await this.recording?.keep(open);
    if (open.stateEngine !== open.engine) await open.stateEngine.close();
    await open.engine.close();
    saved?.();
  }
}


/** A query read a model of the project before any environment holds it. */
function notBuiltYet(model: string): InputError {
  return new InputError(`${model} is a model of this project, but it is built nowhere yet: environment prod does not exist`, {
    code: 'not_built',
    hint: '`planner plan --auto-apply` builds prod (or `planner plan dev` and query it with --env dev); SQL that reads no model runs now',
  });
}

/** A saved plan made against another state of its environment than the one in state now. */
function stalePlan(environment: string, now: string | null): ConflictError {
  return new ConflictError(`environment '${environment}' changed since this plan was made (now at plan ${now ?? 'none'}); plan is stale, plan again; nothing was done`, { code: 'stale_plan' });
}

