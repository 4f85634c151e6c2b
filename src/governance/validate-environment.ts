import { unknownModelHint } from '../model/complete-models.js';
import { kindStrategy } from '../kinds/registry.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { EVERY_COLUMN } from '../model/column-lineage.js';
import { modelViewName } from '../snapshot/virtual-names.js';
import type { TableName } from '../util/identifiers.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { EnvironmentRecord, StateReader } from '../state/state-store.js';
import { compareMetrics, DEFAULT_THRESHOLDS, measureTable, type MetricFlag, type TableMetrics, type ValidationThresholds } from './metrics.js';

/** The metrics of one model in the environment validated and in its baseline, and what moved. */
export interface ModelValidation {
  model: string;
  table: string;
  metrics: TableMetrics;
  baseline: { environment: string; table: string; metrics: TableMetrics } | null;
  /** Both environments read the very same physical table: nothing can differ. */
  sameTable: boolean;
  flags: MetricFlag[];
}

export interface ValidationReport {
  environment: string;
  against: string | null;
  thresholds: ValidationThresholds;
  models: ModelValidation[];
}

export interface ValidateOptions {
  /** Only these models (default: those whose table differs from the baseline's, or all without one). */
  models?: string[];
  /** Every model, also those sharing the baseline's table. */
  all?: boolean;
  thresholds?: Partial<ValidationThresholds>;
}

/**
 * `planner validate ENV --against prod`: measures the models of `env` (row count,
 * distinct keys on the grain, NULL rate per column, a total per numeric column) and
 * compares each with the same model in `against`, flagging what moved past the
 * thresholds. Reads only; a table shared by both environments is measured once.
 */
export async function validateEnvironment(
  deps: { engine: EngineAdapter; state: StateReader },
  env: EnvironmentRecord,
  against: EnvironmentRecord | undefined,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const ids = [...Object.values(env.snapshots), ...Object.values(against?.snapshots ?? {})];
  const snapshots = await deps.state.getSnapshots([...new Set(ids)]);
  const of = (e: EnvironmentRecord | undefined, model: string): Snapshot | undefined => (e?.snapshots[model] ? snapshots.get(e.snapshots[model]) : undefined);
  for (const m of options.models ?? []) {
    if (!env.snapshots[m]) {
      throw new InputError(`model '${m}' is not in environment '${env.name}'`, { code: 'unknown_model', hint: unknownModelHint(m, Object.keys(env.snapshots)) });
    }
  }
  const names = (options.models?.length ? options.models : Object.keys(env.snapshots)).slice().sort();
  const measured = new Map<string, TableMetrics>();
  const measure = async (s: Snapshot, through?: TableName) => {
    const table = through ?? s.physical;
    const key = `${table.schema}.${table.table}`;
    let m = measured.get(key);
    if (!m) measured.set(key, (m = await measureTable(deps.engine, table, s.model.grain)));
    return m;
  };
  // A sanitized environment is measured through its masking views, and its masked columns are
  // left out on both sides: their NULL rates and totals would be the masks', or show real values.
  const masksOf = (name: string) => env.masks?.[name] ?? {};
  const through = (name: string) => (Object.keys(masksOf(name)).length ? modelViewName(name, env.name, env.layout ?? 'schema-suffix') : undefined);
  const models: ModelValidation[] = [];
  for (const name of names) {
    const mine = of(env, name);
    if (!mine || !kindStrategy(mine.model.kind).physical) continue;
    const theirs = of(against, name);
    const sameTable = Boolean(theirs && theirs.version === mine.version && theirs.name === mine.name);
    if (sameTable && !options.all && !options.models?.length) continue;
    const metrics = withoutMasked(await measure(mine, through(name)), masksOf(name));
    const baseline = theirs && kindStrategy(theirs.model.kind).physical ? { environment: against!.name, table: `${theirs.physical.schema}.${theirs.physical.table}`, metrics: withoutMasked(await measure(theirs), masksOf(name)) } : null;
    models.push({ model: name, table: `${mine.physical.schema}.${mine.physical.table}`, metrics, baseline, sameTable, flags: compareMetrics(metrics, sameTable ? null : baseline?.metrics ?? null, thresholds) });
  }
  return { environment: env.name, against: against?.name ?? null, thresholds, models };
}

/** The metrics without those of masked columns (every column's with the `*` mask). */
function withoutMasked(m: TableMetrics, masks: Record<string, unknown>): TableMetrics {
  if (!Object.keys(masks).length) return m;
  const keep = (c: string) => masks[EVERY_COLUMN] === undefined && masks[c] === undefined;
  const pick = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).filter(([c]) => keep(c.toLowerCase())));
  return { ...m, nullRates: pick(m.nullRates), hashTotals: pick(m.hashTotals) };
}

/** True when any model has a flag. */
export function hasFlags(report: ValidationReport): boolean {
  return report.models.some((m) => m.flags.length > 0);
}
