MODEL (
  name raw.customers,
  -- Each tenant's export lives in seeds/<tenant>/: @VAR in the path picks it per environment.
  kind SEED (path '../../seeds/@VAR(tenant)/customers.csv'),
  description 'Customers as exported from the tenant''s shop',
  grain id,
  columns (id INTEGER, name TEXT, country TEXT),
  audits (not_null(columns := [id, name]), unique_values(columns := [id]))
);
