import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import { externalModelsYaml, readExternalModels, type ExternalModel } from '../model/external-models.js';
import type { Project } from '../model/load-project.js';
import { validateIdentifier } from '../util/identifiers.js';

/** What `planner create-external-models` wrote. */
export interface ExternalModelsReport {
  file: string;
  /** Names read from the warehouse's catalog, with their column count. */
  written: { name: string; columns: number }[];
  /** Referenced tables the catalog does not have (left out), or that the query does not qualify with a schema. */
  missing: string[];
}

/**
 * Writes `external_models.yaml` from the warehouse's catalog: one entry, with column
 * names and types, for every table the models read that is not a model (declared for
 * every gateway, as SQLMesh writes them). Entries already in the file for tables the
 * catalog lacks, or for other gateways, are kept as written.
 */
export async function createExternalModels(project: Project, engine: EngineAdapter, projectDir: string, gateway: string): Promise<ExternalModelsReport> {
  const names = new Set<string>();
  const missing = new Set<string>();
  for (const model of project.models.values()) {
    for (const ref of model.references) {
      const name = `${ref.schema}.${ref.table}`.toLowerCase();
      if (project.models.has(name)) continue;
      if (!ref.schema) missing.add(ref.table.toLowerCase());
      else if (!['information_schema', 'pg_catalog'].includes(ref.schema.toLowerCase())) names.add(name);
    }
  }
  const written: ExternalModelsReport['written'] = [];
  const entries: { name: string; columns: { name: string; type: string }[]; gateway?: string }[] = [];
  for (const name of [...names].sort()) {
    const [schema, table] = name.split('.');
    const columns = await engine.columns({ schema: validateIdentifier(schema, 'schema name'), table: validateIdentifier(table, 'table name') });
    if (!columns.length) {
      missing.add(name);
      continue;
    }
    entries.push({ name, columns: columns.map((c) => ({ name: c.name, type: c.type.toUpperCase() })) });
    written.push({ name, columns: columns.length });
  }
  const file = join(projectDir, 'external_models.yaml');
  const kept: ExternalModel[] = existsSync(file) ? readExternalModels(readFileSync(file, 'utf8'), 'external_models.yaml') : [];
  for (const e of kept) {
    // The catalog's columns replace a declaration for every gateway; one for another gateway stays.
    if ((e.gateway === undefined || e.gateway === gateway) && written.some((w) => w.name === e.name)) continue;
    missing.delete(e.name);
    entries.push({ name: e.name, columns: e.columns ?? [], gateway: e.gateway });
  }
  writeFileSync(file, externalModelsYaml(entries));
  return { file: 'external_models.yaml', written, missing: [...missing].sort() };
}
