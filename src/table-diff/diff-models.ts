import { unknownModelHint } from '../model/complete-models.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { InputError, PlannerError } from '../errors.js';
import { kindStrategy } from '../kinds/registry.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import { validateIdentifier } from '../util/identifiers.js';
import { maskedViewQuery, masksOver } from '../governance/masking.js';
import { modelViewName } from '../snapshot/virtual-names.js';
import { diffTables } from './diff-tables.js';
import { graphOf, isSelective, selectModels, snapshotNode, type ModelSelection } from '../model/selectors.js';
import type { DiffSide, TableDiffOptions, TableDiffResult } from './types.js';

/** What a model diff reads: the engine the tables live in and the state that names them. */
export interface ModelDiffDeps {
  engine: EngineAdapter;
  state: StateReader;
}

/** Options of a model diff: `on` defaults to the model's grain. */
export type ModelDiffOptions = Omit<TableDiffOptions, 'on'> & { on?: string[] };

export interface ModelDiffResult extends TableDiffResult {
  model: string;
}

/** One model of `table-diff ENV_A ENV_B`: diffed, skipped (and why), or failed (and why). */
export type EnvironmentDiffEntry =
  | { model: string; status: 'diffed'; result: TableDiffResult }
  | { model: string; status: 'skipped'; reason: string }
  | { model: string; status: 'failed'; reason: string };

/**
 * Diffs one model between two environments, reading the physical table each environment's
 * snapshot points at (so an environment without a view of the model still has a side).
 * Runs in a read-only transaction (EngineAdapter.readOnly): `--where` cannot write.
 * @example await diffModel({ engine, state }, 'analytics.customers', devEnv, prodEnv, { decimals: 2 })
 */
export async function diffModel(
  deps: ModelDiffDeps,
  model: string,
  envA: EnvironmentRecord,
  envB: EnvironmentRecord,
  options: ModelDiffOptions = {},
): Promise<ModelDiffResult> {
  checkModelName(model);
  // User SQL (`--where`) runs here: nothing in a diff may change the warehouse.
  return deps.engine.readOnly(() => diffModelReadOnly(deps, model, envA, envB, options));
}

async function diffModelReadOnly(deps: ModelDiffDeps, model: string, envA: EnvironmentRecord, envB: EnvironmentRecord, options: ModelDiffOptions): Promise<ModelDiffResult> {
  const ids = [envA, envB].map((env) => {
    const id = env.snapshots[model];
    if (!id) {
      throw new InputError(`model '${model}' is not in environment '${env.name}'`, {
        code: 'unknown_model',
        hint: unknownModelHint(model, Object.keys(env.snapshots)),
      });
    }
    return id;
  });
  const snapshots = await deps.state.getSnapshots(ids);
  const [a, b] = ids.map((id) => {
    const s = snapshots.get(id);
    if (!s) throw new Error(`state names snapshot ${id} but does not hold it`);
    return s;
  });
  const on = options.on?.length ? options.on : a.model.grain.length ? a.model.grain : b.model.grain;
  if (!on.length) {
    throw new InputError(`model '${model}' has no grain, so there is no key to match rows on`, {
      code: 'no_key',
      hint: `pass --on COL... or declare one in the model header: grain (col1, col2)`,
    });
  }
  // A sanitized environment shows masked values only: both sides read through its masks, so masked columns compare like with like.
  const masked = maskingEnvironment(model, envA, envB);
  const result = await diffTables(deps.engine, await side(deps.engine, a, envA, masked), await side(deps.engine, b, envB, masked), { ...options, on });
  return { model, ...result };
}

/**
 * Diffs every model whose version differs between two environments, with its grain as the
 * key. Models that cannot be diffed (no grain, no table, only on one side) are listed as
 * skipped, and a failure of one model does not stop the others. A skipped column applies
 * to the models that have it.
 */
export async function diffEnvironments(
  deps: ModelDiffDeps,
  envA: EnvironmentRecord,
  envB: EnvironmentRecord,
  options: Omit<ModelDiffOptions, 'on' | 'where'> = {},
  onModel?: (model: string, index: number, total: number) => void,
  selection: ModelSelection = {},
): Promise<EnvironmentDiffEntry[]> {
  let names = [...new Set([...Object.keys(envA.snapshots), ...Object.keys(envB.snapshots)])].sort();
  if (isSelective(selection)) {
    // Selectors read both environments' models: a model only one of them has can be named too.
    const all = await deps.state.getSnapshots([...new Set([...Object.values(envA.snapshots), ...Object.values(envB.snapshots)])]);
    const picked = selectModels(graphOf([...all.values()].map(snapshotNode)), selection.select, selection.exclude);
    names = names.filter((n) => picked.has(n));
  }
  const candidates = names.filter((n) => envA.snapshots[n] !== envB.snapshots[n]);
  const snapshots = await deps.state.getSnapshots(candidates.flatMap((n) => [envA.snapshots[n], envB.snapshots[n]].filter(Boolean)));
  const get = (env: EnvironmentRecord, name: string) => (env.snapshots[name] ? snapshots.get(env.snapshots[name]) : undefined);
  const entries: EnvironmentDiffEntry[] = [];
  const todo: string[] = [];
  for (const name of candidates) {
    const a = get(envA, name);
    const b = get(envB, name);
    if (!a || !b) entries.push({ model: name, status: 'skipped', reason: `only in ${a ? envA.name : envB.name}` });
    else if (a.version !== b.version) {
      if (sameTable(a, b)) entries.push({ model: name, status: 'skipped', reason: sharedTableReason(a, envA, envB) });
      else todo.push(name);
    }
  }
  for (const [i, name] of todo.entries()) {
    onModel?.(name, i, todo.length);
    const a = get(envA, name)!;
    const reason = tableless(a) ?? (a.model.grain.length || get(envB, name)!.model.grain.length ? null : 'no grain: diff it alone with --on COL...');
    if (reason) {
      entries.push({ model: name, status: 'skipped', reason });
      continue;
    }
    try {
      entries.push({ model: name, status: 'diffed', result: await diffModel(deps, name, envA, envB, { ...options, ignoreUnknownSkipColumns: true }) });
    } catch (err) {
      if (!(err instanceof PlannerError)) throw err;
      entries.push({ model: name, status: 'failed', reason: err.message });
    }
  }
  return entries.sort((x, y) => x.model.localeCompare(y.model));
}

/**
 * The table both environments read for `model` when it is one physical table (views of
 * two environments on one table hold the same rows by construction), else null. Reads
 * state only: nothing is scanned.
 */
export async function sharedTable(deps: ModelDiffDeps, model: string, envA: EnvironmentRecord, envB: EnvironmentRecord): Promise<string | null> {
  const [idA, idB] = [envA.snapshots[model], envB.snapshots[model]];
  if (!idA || !idB) return null;
  const snapshots = await deps.state.getSnapshots([idA, idB]);
  const [a, b] = [snapshots.get(idA), snapshots.get(idB)];
  return a && b && sameTable(a, b) && !tableless(a) ? sharedTableReason(a, envA, envB) : null;
}

function sameTable(a: Snapshot, b: Snapshot): boolean {
  return a.physical.schema === b.physical.schema && a.physical.table === b.physical.table;
}

function sharedTableReason(a: Snapshot, envA: EnvironmentRecord, envB: EnvironmentRecord): string {
  return `${envA.name} and ${envB.name} read the same physical table ${a.physical.schema}.${a.physical.table}: identical, not scanned`;
}

async function side(engine: EngineAdapter, snapshot: Snapshot, env: EnvironmentRecord, masked: EnvironmentRecord | undefined): Promise<DiffSide> {
  const reason = tableless(snapshot);
  if (reason) throw new InputError(`model '${snapshot.name}' has ${reason}`, { code: 'no_table' });
  if (!masked) return { label: env.name, table: snapshot.physical };
  const masks = masksOver(snapshot, masked.masks![snapshot.name]);
  const query = await maskedViewQuery(engine, snapshot.name, snapshot.physical, masks, Object.keys(masks));
  // The masked environment's own view has the masked columns' types; the other side keeps its table's columns (its schema may differ).
  return { label: env.name, table: snapshot.physical, query, ...(env === masked ? { typesFrom: modelViewName(snapshot.name, masked.name, masked.layout ?? 'schema-suffix') } : {}) };
}

/** The environment of the two whose masks apply to `model` (the first if both are sanitized), if any. */
function maskingEnvironment(model: string, ...envs: EnvironmentRecord[]): EnvironmentRecord | undefined {
  return envs.find((e) => e.masks?.[model] && Object.keys(e.masks[model]).length);
}

/** Why a model has nothing to diff, or null when it has a table or view. */
function tableless(snapshot: Snapshot): string | null {
  const kind = snapshot.model.kind;
  return kindStrategy(kind).physical ? null : `no table of its own (kind ${kind.name})`;
}

function checkModelName(model: string): void {
  const parts = model.split('.');
  if (parts.length !== 2) {
    throw new InputError(`'${model}' is not a model name: use schema.table`, { code: 'unknown_model' });
  }
  for (const p of parts) validateIdentifier(p, 'model name part');
}
