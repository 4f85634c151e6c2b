import type { EngineAdapter } from '../engine/engine-adapter.js';
import { InputError } from '../errors.js';
import { modelViewName } from '../snapshot/virtual-names.js';
import type { EnvironmentRecord } from '../state/state-store.js';
import { quoteIdent, quoteTable, validateIdentifier, type TableName } from '../util/identifiers.js';

/** What `planner grants` gave: per role, the schemas (USAGE) and views (SELECT). */
export interface GrantReport {
  environment: string;
  roles: string[];
  schemas: string[];
  views: string[];
}

/**
 * `planner grants ENV` (PostgreSQL): each role of config `access` for ENV (or its `readRoles`) may read
 * the environment's views: USAGE on their schemas and SELECT on each view, nothing more.
 * A view reads its table with its owner's rights, so the roles need (and get) no right on
 * the physical schemas: a sanitized environment's roles never see unmasked tables.
 */
export async function grantEnvironment(engine: EngineAdapter, env: EnvironmentRecord, roles: readonly string[]): Promise<GrantReport> {
  if (engine.dialect !== 'postgres') throw new InputError('planner grants applies to PostgreSQL gateways: DuckDB has no roles', { code: 'unsupported' });
  if (!roles.length) throw new InputError(`environment '${env.name}' has no reader in the config's access: nothing to grant`, { code: 'no_roles', hint: `set access: { '${env.name}': { role: 'analyst' } }` });
  const views = env.views.map((m) => modelViewName(m, env.name, env.layout ?? 'schema-suffix'));
  const schemas = await engine.transaction(() => grantViews(engine, roles, views));
  return { environment: env.name, roles: [...roles], schemas, views: views.map((v) => `${v.schema}.${v.table}`).sort() };
}

/**
 * USAGE on the views' schemas and SELECT on each view, for each role; returns the schemas.
 * An apply calls it in its promotion's transaction for the views it (re)creates: a view
 * made again has lost its grants, and readers must not lose access between two commands.
 */
export async function grantViews(engine: EngineAdapter, roles: readonly string[], views: readonly TableName[]): Promise<string[]> {
  for (const r of roles) validateIdentifier(r, 'role name');
  const schemas = [...new Set(views.map((v) => v.schema))].sort();
  for (const role of roles) {
    for (const s of schemas) await engine.execute(`GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${quoteIdent(role)}`);
    for (const v of views) await engine.execute(`GRANT SELECT ON ${quoteTable(v)} TO ${quoteIdent(role)}`);
  }
  return schemas;
}
