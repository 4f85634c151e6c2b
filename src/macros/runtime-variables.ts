import { quoteLiteral } from '../util/identifiers.js';

/**
 * SQLMesh's predefined variables whose values are known only when a batch runs: the
 * interval's start and end, the execution time, the runtime stage and @this_model. They
 * stay in the expanded SQL as written and are substituted per batch (model/render.ts),
 * so a model's fingerprint is the same for every interval.
 */
const PREFIXES = ['start', 'end', 'execution'];
const SUFFIXES = ['dt', 'dtntz', 'date', 'ds', 'ts', 'tstz', 'hour', 'epoch', 'millis'];

export const TIME_VARIABLES: ReadonlySet<string> = new Set(PREFIXES.flatMap((p) => SUFFIXES.map((s) => `${p}_${s}`)));

export const RUNTIME_VARIABLES: ReadonlySet<string> = new Set([...TIME_VARIABLES, 'this_model', 'runtime_stage']);

/** The stages SQLMesh names in @runtime_stage that planner has. */
export type RuntimeStage = 'loading' | 'creating' | 'evaluating' | 'promoting' | 'auditing' | 'testing' | 'before_all' | 'after_all';

/** The time range a query is rendered for: `end` is exclusive. */
export interface RenderTimes {
  start: Date;
  end: Date;
  execution: Date;
}

/**
 * A runtime variable's SQL value. `end` values name the last instant of the (exclusive)
 * range, as SQLMesh's inclusive end does.
 */
export function runtimeValue(name: string, t: RenderTimes, thisModel: string, stage: RuntimeStage): string | undefined {
  if (name === 'this_model') return thisModel;
  if (name === 'runtime_stage') return quoteLiteral(stage);
  const m = /^(start|end|execution)_(\w+)$/.exec(name);
  if (!m || !TIME_VARIABLES.has(name)) return undefined;
  const d = m[1] === 'start' ? t.start : m[1] === 'end' ? new Date(t.end.getTime() - 1) : t.execution;
  const ds = d.toISOString().slice(0, 10);
  const ts = d.toISOString().slice(0, 19).replace('T', ' ');
  const micros = m[1] === 'end' ? `${ts}.999999` : ts;
  switch (m[2]) {
    case 'ds':
      return quoteLiteral(ds);
    case 'ts':
      return quoteLiteral(micros);
    case 'tstz':
      return quoteLiteral(`${micros}+00:00`);
    case 'date':
      return `CAST(${quoteLiteral(ds)} AS DATE)`;
    case 'dt':
      return `CAST(${quoteLiteral(`${micros}+00:00`)} AS TIMESTAMPTZ)`;
    case 'dtntz':
      return `CAST(${quoteLiteral(micros)} AS TIMESTAMP)`;
    case 'hour':
      return String(d.getUTCHours());
    case 'epoch':
      return String(Math.floor(d.getTime() / 1000));
    case 'millis':
      return String(d.getTime());
    default:
      return undefined;
  }
}
