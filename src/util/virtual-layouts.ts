/**
 * Where an environment's views live (prod's are always `<schema>.<table>`):
 * - `schema-suffix`: `analytics__dev.customers`, one schema per model schema and environment (SQLMesh's default);
 * - `environment-schema`: `dev.customers`, the whole environment in one schema named after it;
 * - `table-suffix`: `analytics.customers__dev`, next to prod's views, no schema of its own.
 * The names live here, below config/ and state/ which validate them; snapshot/virtual-names.ts
 * spells the views.
 */
export const VIRTUAL_LAYOUTS = ['schema-suffix', 'environment-schema', 'table-suffix'] as const;
export type VirtualLayout = (typeof VIRTUAL_LAYOUTS)[number];

/** The layout of projects that do not choose one, and of environments recorded before layouts existed. */
export const DEFAULT_LAYOUT: VirtualLayout = 'schema-suffix';
