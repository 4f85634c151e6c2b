import { quoteLiteral } from '../util/identifiers.js';
import type { MacroCall, TableReference } from './model.js';

/** The time range a query is rendered for: `end` is exclusive. */
export interface RenderTimes {
  start: Date;
  end: Date;
  execution: Date;
}

export interface RenderInput {
  query: string;
  references: readonly TableReference[];
  macros: readonly MacroCall[];
  variables: Record<string, unknown>;
}

/**
 * The query as it will run: each reference replaced by what `resolve` returns for it
 * (a quoted physical name, or an inlined subquery), each macro by its value. Replacements
 * are spans of the original text, so the rest of the query stays exactly as written.
 */
export function renderQuery(
  input: RenderInput,
  resolve: (ref: TableReference) => string | undefined,
  times: RenderTimes,
  thisModel = '',
): string {
  const edits: { start: number; end: number; text: string }[] = [];
  for (const ref of input.references) {
    const text = resolve(ref);
    if (text !== undefined) edits.push({ start: ref.start, end: ref.end, text });
  }
  for (const m of input.macros) edits.push({ start: m.start, end: m.end, text: macroValue(m, input.variables, times, thisModel) });
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += input.query.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + input.query.slice(pos);
}

function macroValue(m: MacroCall, variables: Record<string, unknown>, t: RenderTimes, thisModel: string): string {
  const lastInstant = new Date(t.end.getTime() - 1);
  switch (m.name) {
    case 'var': {
      const v = variables[m.variable!];
      // A default written in the model is already SQL; a configured value is a JS value.
      return v === undefined ? m.defaultText ?? 'NULL' : sqlLiteral(v);
    }
    case 'start_ds':
      return quoteLiteral(ds(t.start));
    case 'end_ds':
      return quoteLiteral(ds(lastInstant));
    case 'start_ts':
      return quoteLiteral(ts(t.start));
    case 'end_ts':
      return quoteLiteral(`${ts(lastInstant)}.999999`);
    case 'start_date':
      return `CAST(${quoteLiteral(ds(t.start))} AS DATE)`;
    case 'end_date':
      return `CAST(${quoteLiteral(ds(lastInstant))} AS DATE)`;
    case 'execution_ds':
      return quoteLiteral(ds(t.execution));
    case 'execution_ts':
      return quoteLiteral(ts(t.execution));
    case 'execution_date':
      return `CAST(${quoteLiteral(ds(t.execution))} AS DATE)`;
    case 'this_model':
      return thisModel;
    default:
      throw new Error(`no value for macro @${m.name}`);
  }
}

/** A JS value as a SQL literal. */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return quoteLiteral(v);
  return quoteLiteral(JSON.stringify(v));
}

export function ds(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function ts(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
