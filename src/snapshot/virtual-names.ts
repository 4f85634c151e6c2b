import { InputError } from '../errors.js';
import { MAX_IDENTIFIER_BYTES, type TableName } from '../util/identifiers.js';
import { VIRTUAL_LAYOUTS, type VirtualLayout } from '../util/virtual-layouts.js';

export const PROD = 'prod';

export { DEFAULT_LAYOUT, VIRTUAL_LAYOUTS, type VirtualLayout } from '../util/virtual-layouts.js';

/**
 * The one place that decides how an environment's views are named, for every layout:
 * prod's view of `analytics.customers` is `analytics.customers`; environment `dev`'s is
 * `analytics__dev.customers`, `dev.customers` or `analytics.customers__dev`.
 */
export function viewName(schema: string, table: string, environment: string, layout: VirtualLayout): TableName {
  if (environment === PROD) return { schema, table };
  switch (layout) {
    case 'schema-suffix':
      return { schema: fits(`${schema}__${environment}`, environment, `schema '${schema}'`), table };
    case 'environment-schema':
      return { schema: environment, table };
    case 'table-suffix':
      return { schema, table: fits(`${table}__${environment}`, environment, `table '${table}'`) };
    default: {
      const never: never = layout;
      throw new InputError(`unknown virtual layout '${String(never)}'`, { code: 'invalid_config' });
    }
  }
}

/** `viewName` of a model given as `schema.table`. */
export function modelViewName(model: string, environment: string, layout: VirtualLayout): TableName {
  const dot = model.indexOf('.');
  return viewName(model.slice(0, dot), model.slice(dot + 1), environment, layout);
}

function fits(name: string, environment: string, what: string): string {
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new InputError(`environment '${environment}' is too long for ${what}: '${name}' passes ${MAX_IDENTIFIER_BYTES} bytes`, {
      code: 'invalid_environment',
      hint: 'use a shorter environment name',
    });
  }
  return name;
}

/** What a layout check needs to know of a model. */
export interface LayoutModel {
  name: string;
  schema: string;
  table: string;
  file: string;
}

/**
 * Refuses an environment that cannot live in `layout` beside this project's models:
 * under `environment-schema` every view of an environment shares one schema, so two
 * models with one table name cannot both have a view there, and an environment named
 * like a model schema, a physical schema or the state schema would mix its views with
 * prod's, planner's tables or its state.
 */
export function assertEnvironmentFits(environment: string, layout: VirtualLayout, models: readonly LayoutModel[], stateSchema: string): void {
  if (environment === PROD || layout !== 'environment-schema') return;
  const others = VIRTUAL_LAYOUTS.filter((l) => l !== layout).map((l) => `'${l}'`).join(' or ');
  const schemas = new Set(models.map((m) => m.schema));
  const reserved = schemas.has(environment)
    ? `the model schema '${environment}' (prod's views live there)`
    : environment === stateSchema
      ? `the state schema '${stateSchema}'`
      : environment.startsWith('planner__')
        ? `planner's physical schemas ('planner__<schema>')`
        : undefined;
  if (reserved) {
    throw new InputError(`environment '${environment}' is named like ${reserved}: under virtualLayout 'environment-schema' its views would mix with them`, {
      code: 'invalid_environment',
      hint: `pick another environment name, or set virtualLayout to ${others} in planner.config.ts`,
    });
  }
  const byTable = new Map<string, LayoutModel>();
  for (const m of [...models].sort((a, b) => a.name.localeCompare(b.name))) {
    const first = byTable.get(m.table);
    if (!first) {
      byTable.set(m.table, m);
      continue;
    }
    throw new InputError(
      `models ${first.name} (${first.file}) and ${m.name} (${m.file}) both need the view ${environment}.${m.table}: under virtualLayout 'environment-schema' an environment's views share one schema`,
      { code: 'layout_name_clash', hint: `rename one of the tables, or set virtualLayout to ${others} in planner.config.ts` },
    );
  }
}
