import type { Dialect, ModelDefaults } from '../config/types.js';
import { validateIdentifier } from '../util/identifiers.js';
import { lineColumn } from '../util/text-position.js';
import { parseHeader, PhraseReader } from './header-parser.js';
import type { Atom, Phrase } from './header-values.js';
import type { AuditRef, ColumnDef, ModelDefinition, ModelKind } from './model.js';

const PROPERTIES = new Set([
  'name', 'kind', 'dialect', 'cron', 'start', 'grain', 'grains', 'owner', 'description',
  'tags', 'columns', 'audits', 'forward_only', 'column_descriptions',
]);

const KINDS: Record<string, { required: string[]; optional: string[] }> = {
  FULL: { required: [], optional: [] },
  VIEW: { required: [], optional: ['materialized'] },
  EMBEDDED: { required: [], optional: [] },
  EXTERNAL: { required: [], optional: [] },
  SEED: { required: ['path'], optional: ['batch_size'] },
  INCREMENTAL_BY_TIME_RANGE: { required: ['time_column'], optional: ['batch_size', 'lookback', 'forward_only'] },
  INCREMENTAL_BY_UNIQUE_KEY: { required: ['unique_key'], optional: ['batch_size', 'forward_only'] },
};

/**
 * Reads one model file: the MODEL (...) header and the query after it. `file` is the
 * path shown in errors (relative to the project). No SQL parsing happens here.
 */
export function readModelFile(source: string, file: string, defaults: ModelDefaults & { dialect: Dialect; cron: string }): ModelDefinition {
  const header = parseHeader(source, file, 'MODEL');
  const r = new PhraseReader(source, file);
  for (const [key, p] of header.properties) {
    if (!PROPERTIES.has(key)) {
      r.fail(`unknown MODEL property '${key}'`, p.keyStart);
    }
  }
  const prop = (k: string) => header.properties.get(k);

  const nameP = prop('name') ?? r.fail('MODEL has no name', 0);
  const name = r.scalar(nameP, 'name');
  const parts = name.split('.');
  if (parts.length !== 2) r.fail(`model name '${name}' must be schema.table`, nameP.start);
  const loc = { file, ...lineColumn(source, nameP.start) };
  const schema = validateIdentifier(parts[0], 'schema name', loc);
  // `__` separates a schema from an environment in view names (`analytics__dev`) and marks
  // the physical layer (`planner__analytics`): a model schema with it could overwrite those.
  if (schema.includes('__')) r.fail(`schema name '${schema}' may not contain '__': it is reserved for environment and physical schemas`, nameP.start);
  const table = validateIdentifier(parts[1], 'table name', loc);

  const kindP = prop('kind');
  const kind: ModelKind = kindP ? readKind(r, kindP) : { name: 'VIEW' };
  const dialectText = prop('dialect') ? r.scalar(prop('dialect')!, 'dialect').toLowerCase() : defaults.dialect;
  if (dialectText !== 'duckdb' && dialectText !== 'postgres') r.fail(`unknown dialect '${dialectText}' (use duckdb or postgres)`, prop('dialect')!.start);

  let queryOffset = header.end;
  let query = source.slice(header.end);
  const lead = /^\s*/.exec(query)![0].length;
  queryOffset += lead;
  query = query.slice(lead).replace(/[\s;]*$/, '');
  const needsQuery = kind.name !== 'SEED' && kind.name !== 'EXTERNAL';
  if (needsQuery && !query) r.fail(`model ${name} has no query after its MODEL (...) header`, header.end);
  if (!needsQuery && query) r.fail(`a ${kind.name} model has no query, but text follows the header`, queryOffset);

  const grainP = prop('grain') ?? prop('grains');
  return {
    name,
    schema,
    table,
    file,
    kind,
    dialect: dialectText as Dialect,
    cron: prop('cron') ? r.scalar(prop('cron')!, 'cron') : defaults.cron,
    start: prop('start') ? r.scalar(prop('start')!, 'start') : defaults.start,
    grain: grainP ? r.names(grainP, 'grain') : [],
    owner: prop('owner') ? r.scalar(prop('owner')!, 'owner') : defaults.owner,
    description: prop('description') ? r.scalar(prop('description')!, 'description') : undefined,
    tags: prop('tags') ? r.names(prop('tags')!, 'tags') : [],
    columns: prop('columns') ? readColumns(r, prop('columns')!) : undefined,
    audits: prop('audits') ? readAudits(r, prop('audits')!) : [],
    // SQLMesh puts forward_only in the kind's arguments; a model-level setting is accepted too.
    forwardOnly: prop('forward_only') ? r.boolean(prop('forward_only')!, 'forward_only') : kindForwardOnly(r, kindP),
    query,
    queryOffset,
    source,
  };
}

function readKind(r: PhraseReader, p: Phrase): ModelKind {
  const { name: raw, args, start } = r.call(p, 'kind');
  const name = raw.toUpperCase();
  const spec = KINDS[name];
  if (!spec) r.fail(`unknown model kind '${raw}' (known: ${Object.keys(KINDS).join(', ')})`, start);
  for (const [k, v] of args) {
    if (!spec.required.includes(k) && !spec.optional.includes(k)) r.fail(`unknown ${name} property '${k}'`, v.start);
  }
  for (const k of spec.required) if (!args.has(k)) r.fail(`${name} needs '${k}'`, start);
  const num = (k: string) => {
    const v = args.get(k);
    if (!v) return undefined;
    const n = Number(r.scalar(v, k));
    if (!Number.isInteger(n) || n < 0) r.fail(`${k} must be a whole number`, v.start);
    return n;
  };
  switch (name) {
    case 'SEED':
      return { name, path: r.scalar(args.get('path')!, 'path') };
    case 'INCREMENTAL_BY_TIME_RANGE':
      return { name, timeColumn: r.scalar(args.get('time_column')!, 'time_column'), batchSize: num('batch_size'), lookback: num('lookback') };
    case 'INCREMENTAL_BY_UNIQUE_KEY':
      return { name, uniqueKey: r.names(args.get('unique_key')!, 'unique_key'), batchSize: num('batch_size') };
    default:
      return { name: name as 'FULL' | 'VIEW' | 'EMBEDDED' | 'EXTERNAL' };
  }
}

function readColumns(r: PhraseReader, p: Phrase): ColumnDef[] {
  const group = p.atoms[0];
  if (p.atoms.length !== 1 || group.type !== 'group') r.fail('columns must be a list: (name TYPE, ...)', p.start);
  return (group as Extract<Atom, { type: 'group' }>).items.map((item) => {
    const [n, ...type] = item.atoms;
    if (!n || n.type !== 'ident' || !type.length) r.fail('each column needs a name and a type', item.start);
    return {
      name: (n as { value: string }).value,
      type: r.source({ atoms: type, start: type[0].start, end: type[type.length - 1].end }),
    };
  });
}

function readAudits(r: PhraseReader, p: Phrase): AuditRef[] {
  const group = p.atoms[0];
  const items = p.atoms.length === 1 && group.type === 'group' ? group.items : [p];
  return items.map((item) => {
    const { name, args } = r.call(item, 'audit');
    const out: Record<string, string> = {};
    for (const [k, v] of args) out[k] = r.source(v);
    return { name: name.toLowerCase(), args: out };
  });
}

function kindForwardOnly(r: PhraseReader, kindP: Phrase | undefined): boolean {
  const arg = kindP ? r.call(kindP, 'kind').args.get('forward_only') : undefined;
  return arg ? r.boolean(arg, 'forward_only') : false;
}
