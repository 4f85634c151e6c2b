import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { physicalTablesRead, tableKey } from '../../src/lifecycle/catalog-references.js';
import { modelViewName, type VirtualLayout } from '../../src/snapshot/virtual-names.js';
import type { EngineProject } from './engines.js';
import { ROOT } from './project.js';

/** Four models with distinct table names, so every layout (one schema per environment too) can hold them. */
export const LAYOUT_MODELS: Record<string, string> = {
  'models/shop/orders.sql': `MODEL (name shop.orders, kind FULL);
SELECT * FROM (VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5)) AS t(id, customer_id, amount)`,
  'models/shop/customers.sql': `MODEL (name shop.customers, kind VIEW);
SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) AS t(id, name)`,
  'models/marts/revenue.sql': `MODEL (name marts.revenue, kind FULL);
SELECT customer_id, SUM(amount) AS total FROM shop.orders GROUP BY customer_id`,
  'models/marts/order_count.sql': `MODEL (name marts.order_count, kind FULL);
SELECT COUNT(*) AS n FROM shop.orders`,
};
export const LAYOUT_MODEL_NAMES = ['marts.order_count', 'marts.revenue', 'shop.customers', 'shop.orders'];

/** A project of LAYOUT_MODELS on the engine, with `virtualLayout` set in its config. */
export async function layoutProject(engine: { setup: (source?: string, files?: string[]) => Promise<EngineProject> }, layout: VirtualLayout): Promise<EngineProject> {
  const env = await engine.setup(ROOT, []);
  for (const [path, text] of Object.entries(LAYOUT_MODELS)) {
    mkdirSync(dirname(env.project.path(path)), { recursive: true });
    writeFileSync(env.project.path(path), text);
  }
  setLayout(env, layout);
  return env;
}

export function setLayout(env: EngineProject, layout: VirtualLayout): void {
  const config = env.project.read('planner.config.ts').replace(/\n {2}virtualLayout: '[a-z-]+',/, '');
  env.project.write('planner.config.ts', config.replace('export default {', `export default {\n  virtualLayout: '${layout}',`));
}

/** The physical tables each view of `environment` reads, keyed by model, from the catalog. */
export async function viewTargets(env: EngineProject, environment: string, layout: VirtualLayout): Promise<Record<string, string[] | undefined>> {
  const objects = await env.project.with(async (ctx) => ctx.engine.listObjects());
  const byKey = new Map(objects.map((o) => [tableKey(o.name), o]));
  return Object.fromEntries(
    LAYOUT_MODEL_NAMES.map((m) => {
      const o = byKey.get(tableKey(modelViewName(m, environment, layout)));
      return [m, o?.type === 'view' ? physicalTablesRead(o.definition ?? '') : undefined];
    }),
  );
}

