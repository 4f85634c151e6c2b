import type { CatalogObject, EngineAdapter, HeldLock } from '../engine/engine-adapter.js';
import { ConflictError } from '../errors.js';
import { DEFAULT_LAYOUT, modelViewName } from '../snapshot/virtual-names.js';
import { builtKey, isExpired, type EnvironmentRecord, type StateStore } from '../state/state-store.js';
import { topologicalOrder } from '../util/dag.js';
import type { TableName } from '../util/identifiers.js';
import { tableKey, ViewReaders } from './catalog-references.js';
import { DEFAULT_SNAPSHOT_TTL_MS, selectGarbage, type GarbageTable } from './janitor-plan.js';

export interface JanitorDeps {
  engine: EngineAdapter;
  state: StateStore;
  now: Date;
  /**
   * Takes an environment's lock (the one applies take), so an apply recreating an expired
   * environment and the janitor removing it never interleave. Throws ConflictError when held.
   */
  lockEnvironment?: (environment: string) => Promise<HeldLock>;
  /**
   * Takes the lock applies and runs hold (shared) while they work, exclusively and without
   * waiting; `heldBy` when one is in progress: its new tables are not garbage, so the
   * unused tables are left for the next run of the janitor.
   */
  tryCollect?: () => Promise<{ lock: HeldLock } | { heldBy: string | null }>;
}

export interface JanitorOptions {
  /** Drop unreferenced tables now, whatever their TTL. */
  ignoreTtl?: boolean;
  snapshotTtlMs?: number;
  /** Called after each object dropped, for progress on a terminal. */
  onDrop?: (kind: 'view' | 'schema' | 'table', name: string) => void;
}

/** What one janitor run did and did not do. */
export interface JanitorReport {
  /** Expired environments removed from state. */
  environments: string[];
  views: string[];
  schemas: string[];
  /** Physical tables and views dropped. */
  tables: string[];
  /** Unreferenced tables kept until their TTL passes. */
  waiting: { table: string; expiresAt: number }[];
  /** Unreferenced tables kept because something in the catalog still reads them. */
  kept: { table: string; reason: string }[];
  snapshotsDeleted: number;
  /** Steps that failed; the run went on past them, and running it again retries them. */
  failures: { object: string; message: string }[];
}

/** One run: its dependencies, options and the report every step adds to. */
interface Run {
  deps: JanitorDeps;
  options: JanitorOptions;
  now: number;
  report: JanitorReport;
}

/**
 * Removes expired environments (views, then empty schemas, then the state row), then the
 * physical tables no remaining environment references and whose TTL has passed (objects
 * first, then their rows), then unreferenced snapshot rows. Never uses CASCADE, never
 * drops a view or table that a live environment or any view in the catalog reads, and
 * goes on past a failure; a failed or killed run is simply run again.
 */
export async function runJanitor(deps: JanitorDeps, options: JanitorOptions = {}): Promise<JanitorReport> {
  const run: Run = {
    deps,
    options,
    now: deps.now.getTime(),
    report: { environments: [], views: [], schemas: [], tables: [], waiting: [], kept: [], snapshotsDeleted: 0, failures: [] },
  };
  const all = await deps.state.listEnvironments();
  const liveViews = new Set<string>();
  for (const env of all.filter((e) => !isExpired(e, run.now))) {
    for (const v of env.views) liveViews.add(tableKey(viewOf(v, env)));
  }
  const catalog = new Map((await deps.engine.listObjects()).map((o) => [tableKey(o.name), o]));
  for (const env of all.filter((e) => isExpired(e, run.now))) await removeEnvironment(run, env, catalog, liveViews);
  const collect = (await deps.tryCollect?.()) ?? { lock: undefined };
  if (!('lock' in collect)) {
    run.report.failures.push({
      object: 'unused tables',
      message: `skipped: ${collect.heldBy ? `'${collect.heldBy}'` : 'an apply or run'} is in progress and may record tables no environment references yet; run the janitor again when it finishes`,
    });
    return run.report;
  }
  try {
    await removeUnusedTables(run);
  } finally {
    await collect.lock?.release();
  }
  return run.report;
}

/** Runs one step; a failure is reported and the run goes on. */
async function attempt(run: Run, object: string, step: () => Promise<unknown>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (err) {
    run.report.failures.push({ object, message: (err as Error).message });
    return false;
  }
}

/** Drops `schema` if it is empty; false only when that failed. */
async function dropSchema(run: Run, schema: string): Promise<boolean> {
  let dropped = false;
  const ok = await attempt(run, schema, async () => {
    dropped = await run.deps.engine.dropSchemaIfEmpty(schema);
  });
  if (dropped) {
    run.report.schemas.push(schema);
    run.options.onDrop?.('schema', schema);
  }
  return ok;
}

/** An expired environment's views and schemas, then its row; the row stays if anything failed, so a rerun retries. */
async function removeEnvironment(run: Run, stale: EnvironmentRecord, catalog: Map<string, CatalogObject>, liveViews: Set<string>): Promise<void> {
  const { engine, state } = run.deps;
  let lock: HeldLock | undefined;
  try {
    lock = await run.deps.lockEnvironment?.(stale.name);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    run.report.failures.push({ object: `environment ${stale.name}`, message: `skipped: ${err.message}` });
    return;
  }
  try {
    // Re-read under the lock: a plan may have recreated the environment since the list was taken.
    const env = await state.getEnvironment(stale.name);
    if (!env || env.planId !== stale.planId || !isExpired(env, run.now)) return;
    let clean = true;
    for (const model of env.views) {
      const name = viewOf(model, env);
      const key = tableKey(name);
      const object = catalog.get(key);
      if (!object || liveViews.has(key)) continue;
      if (object.type !== 'view') {
        run.report.failures.push({
          object: key,
          message: `${key} is a table, not the view environment '${env.name}' had there: left alone; drop or rename it, then run the janitor again`,
        });
        clean = false;
      } else if (await attempt(run, key, () => engine.dropView(name))) {
        run.report.views.push(key);
        run.options.onDrop?.('view', key);
      } else clean = false;
    }
    for (const schema of environmentSchemas(env)) {
      if (!(await dropSchema(run, schema))) clean = false;
    }
    if (clean && (await attempt(run, `environment ${env.name}`, () => state.deleteEnvironment(env.name, env.planId)))) {
      run.report.environments.push(env.name);
    }
  } finally {
    await lock?.release();
  }
}

/** Physical tables no environment left in state references, past their TTL and read by no view; then their state. */
async function removeUnusedTables(run: Run): Promise<void> {
  const { engine, state } = run.deps;
  const { report } = run;
  const selection = selectGarbage({
    environments: await state.listEnvironments(),
    snapshots: await state.listSnapshotRefs(),
    built: await state.listBuiltTables(),
    now: run.now,
    snapshotTtlMs: run.options.ignoreTtl ? null : run.options.snapshotTtlMs ?? DEFAULT_SNAPSHOT_TTL_MS,
  });
  const keep = new Set<string>();
  for (const w of selection.waiting) {
    keep.add(builtKey(w.name, w.version));
    if (w.recorded) report.waiting.push({ table: tableKey(w.table), expiresAt: w.expiresAt });
  }

  const catalog = await engine.listObjects();
  const present = new Map(catalog.map((o) => [tableKey(o.name), o]));
  const order = dropOrder(selection.drop, present, catalog);
  for (const { table, reason } of order.blocked) {
    keep.add(builtKey(table.name, table.version));
    report.kept.push({ table: tableKey(table.table), reason });
  }
  const gone: GarbageTable[] = [];
  const touchedSchemas = new Set<string>();
  for (const t of order.drop) {
    const key = tableKey(t.table);
    const object = present.get(key);
    const ok = !object || (await attempt(run, key, () => (object.type === 'view' ? engine.dropView(t.table) : engine.dropTable(t.table))));
    if (!ok) {
      keep.add(builtKey(t.name, t.version));
      continue;
    }
    if (object) {
      report.tables.push(key);
      touchedSchemas.add(t.table.schema);
      run.options.onDrop?.('table', key);
    }
    gone.push(t);
  }
  if (gone.length) {
    await attempt(run, 'state: intervals', () => state.deleteIntervals(gone.map(({ name, version }) => ({ name, version }))));
    const rows = gone.filter((t) => t.recorded).map(({ name, version }) => ({ name, version }));
    if (rows.length) await attempt(run, 'state: physical table rows', () => state.deleteBuiltTables(rows));
  }
  for (const schema of touchedSchemas) await dropSchema(run, schema);
  const ids = selection.snapshots.filter((s) => !keep.has(s.key)).map((s) => s.id);
  if (ids.length && (await attempt(run, 'state: snapshot rows', () => state.deleteSnapshots(ids)))) report.snapshotsDeleted = ids.length;
}

/** An environment's view of a model, in the layout its record says its views are in. */
function viewOf(model: string, env: EnvironmentRecord): TableName {
  return modelViewName(model, env.name, env.layout ?? DEFAULT_LAYOUT);
}

/** The schemas of an environment's own that its views live in, for every model schema it has ever held. */
function environmentSchemas(env: EnvironmentRecord): string[] {
  // Table-suffixed views live in the model schemas, which are prod's, not the environment's.
  if (env.layout === 'table-suffix') return [];
  const schemas = new Set<string>();
  for (const model of [...Object.keys(env.snapshots), ...env.views]) {
    try {
      schemas.add(viewOf(model, env).schema);
    } catch {
      // A name too long for a view schema never had one.
    }
  }
  return [...schemas].sort();
}

/**
 * The candidates that may go, in an order that drops a view before whatever it reads
 * (so engines that track dependencies never need CASCADE), and the ones a view outside
 * the candidates still reads, which stay, along with what they read in turn.
 */
function dropOrder(candidates: GarbageTable[], present: Map<string, CatalogObject>, catalog: CatalogObject[]) {
  const readers = new ViewReaders(catalog);
  const byKey = new Map(candidates.map((c) => [tableKey(c.table), c]));
  const blocked = new Map<string, string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, c] of byKey) {
      if (blocked.has(key)) continue;
      const outside = readers.readersOf(c.table).find((v) => !byKey.has(v) || blocked.has(v));
      if (outside) {
        blocked.set(key, `view ${outside} reads it`);
        changed = true;
      }
    }
  }
  const free = [...byKey.keys()].filter((k) => !blocked.has(k));
  const freeSet = new Set(free);
  const result = topologicalOrder(free, (k) => readers.readersOf(byKey.get(k)!.table).filter((v) => freeSet.has(v)));
  const ordered = 'order' in result ? result.order : free;
  // Views first: a table is dropped only once nothing among the candidates reads it.
  const rank = (k: string) => (present.get(k)?.type === 'view' ? 0 : 1);
  const drop = ordered.map((k, i) => ({ k, i })).sort((x, y) => rank(x.k) - rank(y.k) || x.i - y.i).map(({ k }) => byKey.get(k)!);
  return { drop, blocked: [...blocked].map(([k, reason]) => ({ table: byKey.get(k)!, reason })) };
}
