import type { PhraseReader } from './header-parser.js';
import type { Atom, Phrase } from './header-values.js';
import type { ModelProperties } from './model.js';

type Reader = (r: PhraseReader, p: Phrase, key: string) => ModelProperties[keyof ModelProperties];

/** SQLMesh's interval units; here a model's intervals follow its cron, so the unit must agree with it. */
export const INTERVAL_UNITS = ['year', 'month', 'day', 'hour', 'half_hour', 'quarter_hour', 'five_minute'];

const names: Reader = (r, p, key) => r.names(p, key).map((n) => n.toLowerCase());
const text: Reader = (r, p, key) => r.scalar(p, key);
const bool: Reader = (r, p, key) => r.boolean(p, key);
const expressions: Reader = (r, p) => listItems(p).map((item) => r.source(item));

/** The header key of each property and how its value reads. */
const READERS: Record<string, [keyof ModelProperties, Reader]> = {
  depends_on: ['dependsOn', names],
  references: ['references', names],
  stamp: ['stamp', text],
  interval_unit: [
    'intervalUnit',
    (r, p, key) => {
      const unit = r.scalar(p, key).toLowerCase();
      if (!INTERVAL_UNITS.includes(unit)) r.fail(`interval_unit '${unit}' is not one of ${INTERVAL_UNITS.join(', ')}`, p.start);
      return unit;
    },
  ],
  allow_partials: ['allowPartials', bool],
  physical_properties: ['physicalProperties', (r, p, key) => keyValues(r, p, key)],
  virtual_properties: ['virtualProperties', (r, p, key) => keyValues(r, p, key)],
  session_properties: ['sessionProperties', (r, p, key) => keyValues(r, p, key)],
  partitioned_by: ['partitionedBy', expressions],
  clustered_by: ['clusteredBy', expressions],
  storage_format: ['storageFormat', text],
  table_format: ['tableFormat', text],
  column_descriptions: [
    'columnDescriptions',
    (r, p, key) => Object.fromEntries(Object.entries(keyValues(r, p, key)).map(([k, v]) => [k, unquote(v)])),
  ],
  formatting: ['formatting', bool],
  optimize_query: ['optimizeQuery', bool],
  ignored_rules: ['ignoredRules', names],
  gateway: ['gateway', (r, p, key) => r.scalar(p, key).toLowerCase()],
};

/** The SQLMesh properties this module reads, by their header names. */
export const EXTRA_PROPERTY_NAMES = Object.keys(READERS);

/**
 * Properties SQLMesh knows that planner refuses, with the reason and what to do instead,
 * so a copied SQLMesh project gets an answer rather than "unknown property".
 */
export const REFUSED_PROPERTIES: Record<string, string> = {
  signals: "'signals' is not supported: signals are Python functions in SQLMesh and planner runs no Python; schedule with cron and start instead",
  end: "'end' is not supported: a model is computed up to now; use `planner plan --end` to limit a backfill",
  retention: "'retention' is not supported: old intervals are kept",
  cron_tz: "'cron_tz' is not supported: crons are evaluated in UTC",
  physical_version: "'physical_version' is not supported: versions come from the fingerprint",
  grants: "'grants' is not supported: grant access in the warehouse",
  grants_target_layer: "'grants_target_layer' is not supported: grant access in the warehouse",
  mapping_schema: "'mapping_schema' is not supported: declare tables in external_models.yaml",
  validate_query: "'validate_query' is not supported: every query is parsed when the project loads",
  virtual_environment_mode: "'virtual_environment_mode' is not supported: every environment gets views",
  project: "'project' is not supported: one project per directory",
};

/** Reads `key` into `out` when it is one of SQLMesh's further properties; false otherwise. */
export function readExtraProperty(r: PhraseReader, key: string, p: Phrase, out: ModelProperties): boolean {
  const entry = READERS[key];
  if (!entry) return false;
  const [field, read] = entry;
  (out as Record<string, unknown>)[field] = read(r, p, key);
  return true;
}

/** `(a = 1, b = 'x')` (or `:=`) as name -> value source text. */
function keyValues(r: PhraseReader, p: Phrase, what: string): Record<string, string> {
  const group = p.atoms[0];
  if (p.atoms.length !== 1 || group.type !== 'group') r.fail(`${what} must be a list: (name = value, ...)`, p.start);
  const out: Record<string, string> = {};
  for (const item of (group as Extract<Atom, { type: 'group' }>).items) {
    const [k, op, ...value] = item.atoms;
    if (!k || k.type !== 'ident' || !op || op.type !== 'op' || (op.value !== '=' && op.value !== ':=') || !value.length) {
      r.fail(`${what}: expected name = value`, item.start);
    }
    const name = (k as { value: string }).value.toLowerCase();
    if (name in out) r.fail(`${what}: '${name}' is set twice`, item.start);
    out[name] = r.source({ atoms: value, start: value[0].start, end: value[value.length - 1].end });
  }
  return out;
}

/** The items of `(a, b)` / `[a, b]`, or the phrase itself when it is one value. */
function listItems(p: Phrase): Phrase[] {
  const group = p.atoms[0];
  return p.atoms.length === 1 && group.type === 'group' ? group.items : [p];
}

function unquote(sql: string): string {
  return /^'.*'$/s.test(sql) ? sql.slice(1, -1).replace(/''/g, "'") : sql;
}
