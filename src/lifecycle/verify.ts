import type { CatalogObject, EngineAdapter } from '../engine/engine-adapter.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { DEFAULT_LAYOUT, modelViewName, PROD, viewName, VIRTUAL_LAYOUTS, type VirtualLayout } from '../snapshot/virtual-names.js';
import { builtKey, isExpired, type EnvironmentRecord, type StateReader } from '../state/state-store.js';
import { physicalTablesRead, readsTable, tableKey } from './catalog-references.js';

/** What can be wrong between state and the warehouse. */
export type ProblemCode =
  | 'missing_snapshot'
  | 'view_without_snapshot'
  | 'not_built'
  | 'missing_table'
  | 'wrong_object_type'
  | 'missing_view'
  | 'not_a_view'
  | 'wrong_target'
  | 'unexpected_view'
  | 'old_layout_view'
  | 'missing_built_table'
  | 'state_schema';

export interface Problem {
  code: ProblemCode;
  /** The environment the problem belongs to; absent for state-wide problems. */
  environment?: string;
  /** The table, view or snapshot concerned. */
  object: string;
  message: string;
}

export interface VerifyReport {
  environments: { name: string; expired: boolean; models: number; views: number; layout: VirtualLayout }[];
  /** Views and physical objects looked at in the catalog. */
  checked: { views: number; tables: number };
  problems: Problem[];
}

/**
 * Checks that every live environment's views exist and read the physical tables its
 * snapshots name, that those tables exist and are recorded as built, and that state
 * holds every snapshot an environment points at. Expired environments are only listed:
 * the janitor may have half removed them. Reads only; `only` limits it to one environment.
 */
export async function verifyState(deps: { engine: EngineAdapter; state: StateReader; now: Date }, only?: EnvironmentRecord): Promise<VerifyReport> {
  const { engine, state } = deps;
  // State tables that do not match their recorded version: reading them further would only fail.
  const schema = await state.schemaProblems();
  if (schema.length) {
    return { environments: [], checked: { views: 0, tables: 0 }, problems: schema.map((p) => ({ code: 'state_schema', object: p.object, message: p.message })) };
  }
  const envs = only ? [only] : await state.listEnvironments();
  const live = envs.filter((e) => !isExpired(e, deps.now.getTime()));
  const ids = [...new Set(live.flatMap((e) => Object.values(e.snapshots)))];
  const snapshots = await state.getSnapshots(ids);
  // Plans and runs read the heads, not the payloads: a head that does not decode fails here too.
  await state.getSnapshotHeads(ids);
  const catalog = new Map((await engine.listObjects()).map((o) => [tableKey(o.name), o]));
  const problems: Problem[] = [];
  const checked = { views: 0, tables: new Set<string>() };

  const usedBy = new Map<string, string[]>();
  for (const e of live) {
    for (const id of Object.values(e.snapshots)) {
      const s = snapshots.get(id);
      if (!s) continue;
      const users = usedBy.get(tableKey(s.physical)) ?? [];
      if (!users.includes(e.name)) usedBy.set(tableKey(s.physical), [...users, e.name]);
    }
  }
  const withTables = [...snapshots.values()].filter((s) => kindStrategy(s.model.kind).physical);
  const built = await state.getBuiltTables(withTables.map((s) => builtKey(s.name, s.version)));
  for (const s of withTables) {
    const key = tableKey(s.physical);
    if (checked.tables.has(key)) continue;
    checked.tables.add(key);
    const environment = (usedBy.get(key) ?? []).join(', ');
    if (!built.has(builtKey(s.name, s.version))) {
      problems.push({ code: 'not_built', environment, object: s.id, message: `${s.name}: state does not record table ${key} as built` });
    }
    const object = catalog.get(key);
    const expected = kindStrategy(s.model.kind).physical!;
    if (!object) problems.push({ code: 'missing_table', environment, object: key, message: `${s.name}: physical ${expected} ${key} does not exist` });
    else if (object.type !== expected) {
      problems.push({ code: 'wrong_object_type', environment, object: key, message: `${s.name}: ${key} is a ${object.type}, expected a ${expected}` });
    }
  }

  const expected = new Set(live.flatMap((e) => e.views.map((m) => tableKey(modelViewName(m, e.name, layoutOf(e))))));
  for (const env of live) {
    const viewed = new Set(env.views);
    problems.push(...oldLayoutViews(env, catalog, expected));
    for (const model of env.views) {
      if (!env.snapshots[model]) {
        problems.push({ code: 'view_without_snapshot', environment: env.name, object: model, message: `${model} has a view but no snapshot in environment ${env.name}` });
      }
    }
    for (const [model, id] of Object.entries(env.snapshots)) {
      const s = snapshots.get(id);
      if (!s) {
        problems.push({ code: 'missing_snapshot', environment: env.name, object: id, message: `${model}: snapshot ${id} is not in state` });
        continue;
      }
      if (!kindStrategy(s.model.kind).physical) continue;
      const name = viewName(s.model.schema, s.model.table, env.name, layoutOf(env));
      const object = catalog.get(tableKey(name));
      if (viewed.has(model)) {
        checked.views++;
        problems.push(...checkView(env.name, model, tableKey(name), object, s));
      } else if (object?.type === 'view') {
        problems.push({
          code: 'unexpected_view',
          environment: env.name,
          object: tableKey(name),
          message: `view ${tableKey(name)} exists, but environment ${env.name} has no view for ${model}`,
        });
      }
    }
  }

  if (!only) {
    const referenced = new Set([...snapshots.values()].map((s) => builtKey(s.name, s.version)));
    for (const row of await state.listBuiltTables()) {
      const key = tableKey({ schema: row.schema, table: row.table });
      if (referenced.has(builtKey(row.name, row.version)) || catalog.has(key)) continue;
      problems.push({ code: 'missing_built_table', object: key, message: `state records ${key} (${row.name}) as built, but it does not exist` });
    }
  }
  return {
    environments: envs.map((e) => ({ name: e.name, expired: isExpired(e, deps.now.getTime()), models: Object.keys(e.snapshots).length, views: e.views.length, layout: layoutOf(e) })),
    checked: { views: checked.views, tables: checked.tables.size },
    problems,
  };
}

const layoutOf = (env: EnvironmentRecord): VirtualLayout => env.layout ?? DEFAULT_LAYOUT;

/**
 * Views of the environment's models where another layout would put them, still reading
 * planner's tables: left behind by a layout change that did not finish (a plan moves
 * them all in one transaction, the janitor drops an expired environment's where it recorded them).
 */
function oldLayoutViews(env: EnvironmentRecord, catalog: Map<string, CatalogObject>, expected: Set<string>): Problem[] {
  if (env.name === PROD) return [];
  const out: Problem[] = [];
  for (const layout of VIRTUAL_LAYOUTS.filter((l) => l !== layoutOf(env))) {
    for (const model of Object.keys(env.snapshots)) {
      let key: string;
      try {
        key = tableKey(modelViewName(model, env.name, layout));
      } catch {
        continue; // too long for that layout: it never had a view there
      }
      const object = catalog.get(key);
      if (object?.type !== 'view' || expected.has(key) || !physicalTablesRead(object.definition ?? '').length) continue;
      out.push({
        code: 'old_layout_view',
        environment: env.name,
        object: key,
        message: `view ${key} is where layout '${layout}' puts ${model}, but environment ${env.name}'s views are in layout '${layoutOf(env)}': drop it`,
      });
    }
  }
  return out;
}

function checkView(environment: string, model: string, key: string, object: CatalogObject | undefined, s: Snapshot): Problem[] {
  const target = tableKey(s.physical);
  if (!object) return [{ code: 'missing_view', environment, object: key, message: `view ${key} for ${model} does not exist` }];
  if (object.type !== 'view') return [{ code: 'not_a_view', environment, object: key, message: `${key} for ${model} is a table, not a view` }];
  if (!readsTable(object.definition ?? '', s.physical)) {
    const actual = physicalTablesRead(object.definition ?? '');
    return [{
      code: 'wrong_target',
      environment,
      object: key,
      message: `view ${key} reads ${actual.length ? actual.join(', ') : 'no planner table'}, but ${model}'s snapshot names ${target}`,
    }];
  }
  return [];
}
