import type { EngineAdapter } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { TableName } from '../util/identifiers.js';
import { planParentOf, type Plan } from './plan.js';
import { insertableColumns } from './build-snapshot.js';
import { fullRefreshTimes, renderSnapshot } from './render-snapshot.js';

/** How a kept table's columns change to match a forward-only snapshot's query. */
export interface ColumnMigration {
  add: { name: string; type: string }[];
  drop: string[];
  retype: { name: string; from: string; to: string }[];
}

/**
 * Compares the kept table's columns with the new query's. The query's shape comes from an
 * empty scratch table, so both sides are described by the same catalog and their type
 * names compare exactly on every engine.
 */
export async function columnMigration(snapshot: Snapshot, parentOf: (name: string) => Snapshot | undefined, engine: EngineAdapter, now: Date): Promise<ColumnMigration> {
  const existing = await engine.columns(snapshot.physical);
  const query = renderSnapshot(snapshot, parentOf, fullRefreshTimes(snapshot, now));
  const managed = kindStrategy(snapshot.model.kind).managedColumns?.(snapshot.model.kind);
  const next = await engine.ops.queryColumns(snapshot.physical, query, managed);
  const before = new Map(existing.map((c) => [c.name, c.type]));
  const after = new Map(next.map((c) => [c.name, c.type]));
  return {
    add: next.filter((c) => !before.has(c.name)),
    drop: existing.filter((c) => !after.has(c.name)).map((c) => c.name),
    retype: next.filter((c) => before.has(c.name) && before.get(c.name) !== c.type).map((c) => ({ name: c.name, from: before.get(c.name)!, to: c.type })),
  };
}

/** Refuses a migration that loses data unless the plan allows it. */
export function assertMigrationAllowed(snapshot: Snapshot, m: ColumnMigration, allowDestructive: boolean): void {
  if (allowDestructive || (!m.drop.length && !m.retype.length)) return;
  const parts = [...m.drop.map((c) => `drop column ${c}`), ...m.retype.map((r) => `change column ${r.name} from ${r.from} to ${r.to}`)];
  throw new InputError(`forward-only change to ${snapshot.name} would ${parts.join(' and ')} in its existing table`, {
    code: 'destructive_change',
    location: { file: snapshot.model.file },
    hint: 'pass --allow-destructive to change the table anyway, or make the change breaking (plan without --forward-only) to rebuild it',
  });
}

/** ALTERs the kept table, in one transaction, then checks the columns can be inserted by name. */
/** The query a dropped environment view is made again with, when it is not `SELECT *` of the table (a sanitized environment's masking view). */
export type ViewQueryOf = (view: TableName, table: TableName) => Promise<string | undefined>;

export async function applyColumnMigration(snapshot: Snapshot, m: ColumnMigration, engine: EngineAdapter, viewQuery?: ViewQueryOf): Promise<void> {
  if (!m.add.length && !m.drop.length && !m.retype.length) return;
  const table = snapshot.physical;
  await engine.transaction(async () => {
    // Environment views (`SELECT * FROM <table>`) block dropping or retyping columns where
    // the engine tracks them: they go and come back in the same transaction.
    const views = m.drop.length || m.retype.length ? (await engine.dependentViews?.(table)) ?? [] : [];
    const tableColumns = (await engine.columns(table)).map((c) => c.name).join(',');
    for (const v of views) {
      // Only an environment's own view of this model (`SELECT *` of the table) is recreated;
      // any other view's definition would be lost, so the change is refused instead.
      const named = v.table === snapshot.model.table && (v.schema === snapshot.model.schema || v.schema.startsWith(`${snapshot.model.schema}__`));
      const whole = named && (await engine.columns(v)).map((c) => c.name).join(',') === tableColumns;
      if (!whole) {
        throw new InputError(`forward-only change to ${snapshot.name} would drop or retype columns that view ${v.schema}.${v.table} reads`, {
          code: 'destructive_change',
          location: { file: snapshot.model.file },
          hint: 'make the change breaking (plan without --forward-only) so what reads it is rebuilt, or drop that view first',
        });
      }
    }
    for (const v of views) await engine.dropView(v);
    for (const c of m.drop) await engine.ops.dropColumn(table, c);
    for (const r of m.retype) await engine.ops.retypeColumn(table, r.name, r.to);
    for (const c of m.add) await engine.ops.addColumn(table, c.name, c.type);
    for (const v of views) {
      // A masking view comes back masking (over the table's new columns), never as `SELECT *`.
      const query = await viewQuery?.(v, table);
      if (query) await engine.replaceView(v, query);
      else await engine.ops.pointView(v, table);
    }
  });
  await insertableColumns(snapshot, engine);
}

/**
 * The forward-only migrations of a plan, in two steps: `prepare` computes and checks them
 * before the apply writes anything (a refused destructive change changes nothing);
 * `applyReady` ALTERs before the builds. A migration whose parents are built by this same
 * plan cannot be computed beforehand: `applyDeferred` does it after the builds, still
 * before any view is swapped.
 */
export class ForwardOnlyMigrations {
  private constructor(
    private readonly plan: Plan,
    private readonly engine: EngineAdapter,
    private readonly ready: Map<string, ColumnMigration>,
    private readonly deferred: string[],
    private readonly viewQuery?: ViewQueryOf,
  ) {}

  static async prepare(plan: Plan, engine: EngineAdapter, now: Date, viewQuery?: ViewQueryOf): Promise<ForwardOnlyMigrations> {
    const ready = new Map<string, ColumnMigration>();
    const deferred: string[] = [];
    for (const id of plan.migrations ?? []) {
      const s = plan.snapshots[id];
      if ((await engine.objectType(s.physical)) !== 'table') continue;
      if (!(await parentsExist(plan, s, engine))) {
        deferred.push(id);
        continue;
      }
      const m = await columnMigration(s, planParentOf(plan), engine, now);
      assertMigrationAllowed(s, m, plan.allowDestructive);
      ready.set(id, m);
    }
    return new ForwardOnlyMigrations(plan, engine, ready, deferred, viewQuery);
  }

  async applyReady(): Promise<void> {
    for (const [id, m] of this.ready) await applyColumnMigration(this.plan.snapshots[id], m, this.engine, this.viewQuery);
  }

  async applyDeferred(now: Date): Promise<void> {
    for (const id of this.deferred) {
      const s = this.plan.snapshots[id];
      const m = await columnMigration(s, planParentOf(this.plan), this.engine, now);
      assertMigrationAllowed(s, m, this.plan.allowDestructive);
      await applyColumnMigration(s, m, this.engine, this.viewQuery);
    }
  }
}


/** Whether every parent `s` reads (through EMBEDDED ones too) exists, so its query can run. */
export async function parentsExist(plan: Plan, s: Snapshot, engine: EngineAdapter): Promise<boolean> {
  for (const name of Object.keys(s.parents)) {
    const p = planParentOf(plan)(name);
    if (!p) continue;
    const reference = kindStrategy(p.model.kind).reference;
    if (reference === 'inline') {
      if (!(await parentsExist(plan, p, engine))) return false;
    } else if (reference === 'physical' && !(await engine.objectType(p.physical))) {
      return false;
    }
  }
  return true;
}
