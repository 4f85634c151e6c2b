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
  // A UTF-16 code unit is at most 3 bytes of UTF-8: a short name fits without counting (one per view, every plan).
  if (name.length * 3 > MAX_IDENTIFIER_BYTES && Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
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

/** An environment's views as state records them: which models, and where its layout put them. */
export interface EnvironmentViews {
  name: string;
  views: readonly string[];
  layout: VirtualLayout;
}

/**
 * Refuses a plan whose views would land on another view's name. Under the suffix layouts an
 * environment's view can be named like a model's view in prod: environment `dev`'s view of
 * `s.t` is `s.t__dev` under `table-suffix`, which is prod's view of a model `s.t__dev`
 * (`analytics__dev.customers` likewise under `schema-suffix`). One of them would silently
 * replace the other, so the plan is refused, naming both models. A plan of `environment`
 * checks its own views against prod's (the project's models); a plan of prod checks the
 * project's models against the views the other environments hold (`others`).
 */
export function assertNoViewClash(environment: string, layout: VirtualLayout, models: readonly LayoutModel[], others: readonly EnvironmentViews[]): void {
  if (environment === PROD && !others.some((e) => e.name !== PROD && e.views.length)) return;
  const key = (n: TableName) => `${n.schema}.${n.table}`.toLowerCase();
  // Runs on every plan, a view per model: a view can only clash in a schema prod has views in,
  // so the map of prod's views is made only once a view lands in one.
  const prodSchemas = new Set(models.map((m) => m.schema.toLowerCase()));
  let prodViews: Map<string, LayoutModel> | undefined;
  const clash = (env: string, envLayout: VirtualLayout, model: string, file: () => string | undefined) => {
    const name = modelViewName(model, env, envLayout);
    if (!prodSchemas.has(name.schema.toLowerCase())) return;
    prodViews ??= new Map(models.map((m) => [key(m), m]));
    const view = key(name);
    const prodModel = prodViews.get(view);
    if (!prodModel) return;
    const others = VIRTUAL_LAYOUTS.filter((l) => l !== envLayout).map((l) => `'${l}'`).join(' or ');
    const at = file();
    throw new InputError(
      `models ${prodModel.name} (${prodModel.file}) and ${model}${at ? ` (${at})` : ''} both need the view ${view}: prod's view of ${prodModel.name}, and environment ${env}'s view of ${model} under virtualLayout '${envLayout}'`,
      { code: 'layout_name_clash', hint: `rename one of the tables, or set virtualLayout to ${others} in planner.config.ts` },
    );
  };
  if (environment !== PROD) {
    for (const m of models) clash(environment, layout, m.name, () => m.file);
    return;
  }
  for (const env of others) {
    if (env.name !== PROD) for (const model of env.views) clash(env.name, env.layout, model, () => prodViews?.get(model.toLowerCase())?.file);
  }
}
