/**
 * What a warehouse holds, to prove that an operation changed nothing it must not: every
 * table and view with its kind, each view's definition, and each table's row count and
 * a checksum of its rows. Works on DuckDB and PostgreSQL (same SQL).
 */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export interface TableState {
  rows: number;
  checksum: string;
  columns: string;
}

/** Row count, rows checksum and column list of each `schema.table`. */
export async function tableStates(query: Query, tables: readonly string[]): Promise<Record<string, TableState>> {
  const out: Record<string, TableState> = {};
  for (const name of [...tables].sort()) {
    const [schema, table] = name.split('.');
    const from = `"${schema}"."${table}"`;
    const [r] = await query(`SELECT COUNT(*) AS n, md5(COALESCE(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR)), '')) AS h FROM ${from} AS t`);
    const cols = await query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
    );
    out[name] = { rows: Number(r.n), checksum: String(r.h), columns: cols.map((c) => `${c.column_name} ${c.data_type}`).join(', ') };
  }
  return out;
}

/** `schema.name TYPE` of every table and view outside system schemas and state, sorted; views with their definition. */
export async function catalog(query: Query): Promise<string[]> {
  const rows = await query(
    `SELECT t.table_schema || '.' || t.table_name || ' ' || t.table_type || COALESCE(' AS ' || v.view_definition, '') AS o
       FROM information_schema.tables t
       LEFT JOIN information_schema.views v ON v.table_schema = t.table_schema AND v.table_name = t.table_name
      WHERE t.table_schema NOT IN ('information_schema', 'pg_catalog', 'main', 'public', 'planner_state') AND t.table_schema NOT LIKE 'pg\\_%'
      ORDER BY 1`,
  );
  return rows.map((r) => String(r.o).replace(/\s+/g, ' '));
}
