// Stands in for the CRM: loads one day's export into crm.customers, replacing the table.
// The project only reads crm.customers (declared in external_models.yaml); it never builds it.
// Usage (from this folder): node load-crm.mjs data/customers_day1.csv
import { mkdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!/^data\/customers_day\d\.csv$/.test(file ?? '')) throw new Error('usage: node load-crm.mjs data/customers_dayN.csv');
// A fresh copy has no .planner/ yet (git ignores it): the CRM load runs before planner's first command.
mkdirSync('.planner', { recursive: true });
const db = await DuckDBInstance.create('.planner/warehouse.duckdb');
const c = await db.connect();
await c.run('CREATE SCHEMA IF NOT EXISTS crm');
await c.run(`CREATE OR REPLACE TABLE crm.customers AS SELECT * FROM read_csv('${file}', header = true, columns = {'id': 'INTEGER', 'name': 'VARCHAR', 'tier': 'VARCHAR', 'updated_at': 'TIMESTAMP'})`);
c.closeSync();
db.closeSync();
