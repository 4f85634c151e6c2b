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

/**
 * What Jinja prints for a runtime variable is SQLMesh's Python value, bare (`{{ start_ds }}`
 * is 2024-01-01, unquoted): the rendered block holds `@__jinja_<name>` for it, filled in
 * per batch with that text, inside string literals too (see jinja.ts).
 */
export const JINJA_RAW_PREFIX = '__jinja_';
export const JINJA_RAW_VARIABLES: ReadonlySet<string> = new Set([...TIME_VARIABLES, 'runtime_stage'].map((n) => `${JINJA_RAW_PREFIX}${n}`));

export const RUNTIME_VARIABLES: ReadonlySet<string> = new Set([...TIME_VARIABLES, 'this_model', 'runtime_stage', ...JINJA_RAW_VARIABLES]);

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
  if (name.startsWith(JINJA_RAW_PREFIX)) return jinjaValue(name.slice(JINJA_RAW_PREFIX.length), t, stage);
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

/**
 * A runtime variable as SQLMesh's Jinja prints it: str() of the Python value date_dict
 * gives (utils/date.py): ds and date `2024-01-01`, ts and dtntz `2024-01-01 00:00:00`
 * (microseconds when not zero, `.999999` for an inclusive end), tstz and dt with `+00:00`,
 * epoch a float (`1704067200.0`), millis and hour integers, runtime_stage its name.
 */
export function jinjaValue(name: string, t: RenderTimes, stage: RuntimeStage): string | undefined {
  if (name === 'runtime_stage') return stage;
  const m = /^(start|end|execution)_(\w+)$/.exec(name);
  if (!m || !TIME_VARIABLES.has(name)) return undefined;
  const end = m[1] === 'end';
  const d = m[1] === 'start' ? t.start : end ? new Date(t.end.getTime() - 1) : t.execution;
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  const ts = iso.slice(0, 19).replace('T', ' ') + (end ? '.999999' : ms ? `.${String(ms).padStart(3, '0')}000` : '');
  switch (m[2]) {
    case 'ds':
    case 'date':
      return iso.slice(0, 10);
    case 'ts':
    case 'dtntz':
      return ts;
    case 'tstz':
    case 'dt':
      return `${ts}+00:00`;
    case 'hour':
      return String(d.getUTCHours());
    case 'epoch': {
      const seconds = d.getTime() / 1000;
      return Number.isInteger(seconds) ? `${seconds}.0` : String(seconds);
    }
    case 'millis':
      return String(d.getTime());
    default:
      return undefined;
  }
}
