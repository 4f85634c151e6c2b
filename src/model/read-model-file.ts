import type { Dialect, ModelDefaults } from '../config/types.js';
import { validateIdentifier } from '../util/identifiers.js';
import { lineColumn } from '../util/text-position.js';
import { parseHeader, PhraseReader } from './header-parser.js';
import type { Atom, Phrase } from './header-values.js';
import type { AuditRef, ColumnDef, ModelDefinition, ModelKind, ModelProperties } from './model.js';
import { EXTRA_PROPERTY_NAMES, readExtraProperty, REFUSED_PROPERTIES } from './model-properties.js';
import { suggestion } from '../util/did-you-mean.js';
import { parseCron } from '../intervals/cron.js';
import { kindNamed, kindNames, kindStrategy } from '../kinds/registry.js';
import { kindArgs } from './kind-args.js';
import { inlineAuditsStart, readAuditFile, type AuditDefinition } from './audit-file.js';
import { InputError } from '../errors.js';

const CORE_PROPERTIES = [
  'name', 'kind', 'dialect', 'cron', 'start', 'grain', 'grains', 'owner', 'description',
  'tags', 'columns', 'audits', 'forward_only', 'enabled',
];
const PROPERTIES = new Set([...CORE_PROPERTIES, ...EXTRA_PROPERTY_NAMES]);

/** Kinds SQLMesh has that planner refuses, with the reason and what to use instead. */
const REFUSED_KINDS: Record<string, string> = {
  CUSTOM:
    'CUSTOM kinds are materializations written as Python classes in SQLMesh; planner runs no Python, so a materialization cannot be plugged in: use FULL, VIEW or an INCREMENTAL_* kind, with statements around the query for extra steps',
  MANAGED: 'MANAGED models need an engine that maintains tables itself (Snowflake dynamic tables, Databricks); DuckDB and PostgreSQL have none: use FULL or INCREMENTAL_BY_TIME_RANGE',
  DBT: 'dbt materializations are not supported: use a planner kind (FULL, VIEW, INCREMENTAL_*)',
};

/** Kind arguments SQLMesh knows that planner refuses, with the reason. */
const REFUSED_KIND_ARGS: Record<string, string> = {
  // Kinds that take them read them in their strategy; these messages are for the others.
  auto_restatement_cron:
    "'auto_restatement_cron' is taken by INCREMENTAL_BY_TIME_RANGE, INCREMENTAL_BY_UNIQUE_KEY and INCREMENTAL_BY_PARTITION, whose intervals can be recomputed; SQLMesh never auto-restates SCD Type 2 or unmanaged models (their restatement is disabled), and other kinds have no intervals",
  auto_restatement_intervals:
    "'auto_restatement_intervals' is taken by INCREMENTAL_BY_TIME_RANGE only (as in SQLMesh); on this kind auto_restatement_cron restates every interval",
  on_destructive_change: "'on_destructive_change' is not supported: a forward-only change that drops or retypes columns is refused unless the plan is given --allow-destructive",
  on_additive_change: "'on_additive_change' is not supported: forward-only changes always add new columns",
  when_matched: "'when_matched' is not supported: a unique-key batch replaces the rows whose key it brings",
  merge_filter: "'merge_filter' is not supported: a unique-key batch replaces the rows whose key it brings",
  disable_restatement:
    "'disable_restatement' is not supported: incremental kinds whose intervals can be recomputed (by time range, by unique key) can always be restated; SCD Type 2 and unmanaged models never (their rows cannot be recomputed from the source), so a new version (a breaking change) is how to rebuild one",
};

/**
 * Reads one model file: the MODEL (...) header and the query after it. `file` is the
 * path shown in errors (relative to the project). No SQL parsing happens here.
 */
export function readModelFile(source: string, file: string, defaults: ModelDefaults & { dialect: Dialect; cron: string }): ModelDefinition {
  const header = parseHeader(source, file, 'MODEL');
  const r = new PhraseReader(source, file);
  const properties: ModelProperties = {};
  for (const [key, p] of header.properties) {
    if (REFUSED_PROPERTIES[key]) r.fail(REFUSED_PROPERTIES[key], p.keyStart);
    if (!PROPERTIES.has(key)) r.fail(`unknown MODEL property '${key}'; ${suggestion(key, [...PROPERTIES])}`, p.keyStart);
    readExtraProperty(r, key, p, properties);
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
  const kind: ModelKind = kindP ? readKind(r, kindP, header.properties) : { name: 'VIEW' };
  const dialectText = prop('dialect') ? r.scalar(prop('dialect')!, 'dialect').toLowerCase() : defaults.dialect;
  if (dialectText !== 'duckdb' && dialectText !== 'postgres') r.fail(`unknown dialect '${dialectText}' (use duckdb or postgres)`, prop('dialect')!.start);

  let queryOffset = header.end;
  // SQLMesh's inline audits follow the query: `AUDIT (name x); SELECT ...`.
  const auditsAt = inlineAuditsStart(source, header.end);
  let query = source.slice(header.end, auditsAt < 0 ? undefined : auditsAt);
  const lead = /^\s*/.exec(query)![0].length;
  queryOffset += lead;
  query = query.slice(lead).replace(/[\s;]*$/, '');
  const needsQuery = kindStrategy(kind).hasQuery;
  if (needsQuery && !query) r.fail(`model ${name} has no query after its MODEL (...) header`, header.end);
  if (!needsQuery && query) r.fail(`a ${kind.name} model has no query, but text follows the header`, queryOffset);

  const cron = prop('cron') ? r.scalar(prop('cron')!, 'cron') : defaults.cron;
  if (properties.intervalUnit) checkIntervalUnit(r, properties.intervalUnit, cron, prop('interval_unit')!.start);
  const grainP = prop('grain') ?? prop('grains');
  return {
    name,
    schema,
    table,
    file,
    kind,
    dialect: dialectText as Dialect,
    cron,
    start: prop('start') ? r.scalar(prop('start')!, 'start') : defaults.start,
    grain: grainP ? r.names(grainP, 'grain') : [],
    owner: prop('owner') ? r.scalar(prop('owner')!, 'owner') : defaults.owner,
    description: prop('description') ? r.scalar(prop('description')!, 'description') : undefined,
    tags: prop('tags') ? r.names(prop('tags')!, 'tags') : [],
    columns: prop('columns') ? readColumns(r, prop('columns')!) : undefined,
    audits: prop('audits') ? readAudits(r, prop('audits')!) : [],
    // SQLMesh puts forward_only in the kind's arguments; a model-level setting is accepted too.
    forwardOnly: prop('forward_only') ? r.boolean(prop('forward_only')!, 'forward_only') : kindForwardOnly(r, kindP) ?? kindStrategy(kind).forwardOnlyByDefault ?? false,
    enabled: prop('enabled') ? r.boolean(prop('enabled')!, 'enabled') : true,
    properties: Object.keys(properties).length ? properties : undefined,
    ...(auditsAt < 0 ? {} : { inlineAudits: readInlineAudits(source, file, auditsAt) }),
    query,
    queryOffset,
    source,
  };
}

function readKind(r: PhraseReader, p: Phrase, header: Map<string, Phrase>): ModelKind {
  const { name: raw, args, start } = r.call(p, 'kind');
  const name = raw.toUpperCase();
  if (REFUSED_KINDS[name]) r.fail(`model kind ${name} is not supported: ${REFUSED_KINDS[name]}`, start);
  const strategy = kindNamed(name) ?? r.fail(`unknown model kind '${raw}'; ${suggestion(name, kindNames())}`, start);
  const { required, optional } = strategy.properties;
  for (const [k, v] of args) {
    if (required.includes(k) || optional.includes(k)) continue;
    if (REFUSED_KIND_ARGS[k]) r.fail(`${name}: ${REFUSED_KIND_ARGS[k]}`, v.start);
    r.fail(`unknown ${name} property '${k}'; ${suggestion(k, [...required, ...optional])}`, v.start);
  }
  for (const k of required) if (!args.has(k)) r.fail(`${name} needs '${k}'`, start);
  for (const k of strategy.properties.model ?? []) if (header.has(k)) args.set(k, header.get(k)!);
  return strategy.parse(kindArgs(r, args, name, start));
}

/**
 * Here a model's intervals are its cron's (hours, days, weeks, months): an interval_unit
 * is accepted when it says the same, and refused otherwise rather than ignored.
 */
function checkIntervalUnit(r: PhraseReader, unit: string, cron: string, offset: number): void {
  let cronUnit: string;
  try {
    cronUnit = parseCron(cron).unit;
  } catch {
    return; // the cron itself is reported where it is used, with its own message
  }
  if (unit !== cronUnit) {
    r.fail(`interval_unit '${unit}' differs from the intervals of cron '${cron}' (${cronUnit}): here a model's intervals follow its cron, so set a cron that runs once per ${unit}`, offset);
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

function kindForwardOnly(r: PhraseReader, kindP: Phrase | undefined): boolean | undefined {
  const arg = kindP ? r.call(kindP, 'kind').args.get('forward_only') : undefined;
  return arg ? r.boolean(arg, 'forward_only') : undefined;
}

function readInlineAudits(source: string, file: string, from: number): AuditDefinition[] {
  const seen = new Set<string>();
  return readAuditFile(source, file, from).map(({ audit, at }) => {
    if (seen.has(audit.name)) throw new InputError(`audit ${audit.name} is defined twice in this file`, { location: { file, ...at }, code: 'invalid_audit' });
    seen.add(audit.name);
    return audit;
  });
}
