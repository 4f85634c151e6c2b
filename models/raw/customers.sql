MODEL (
  name raw.customers,
  kind SEED (path '../../seeds/customers.csv'),
  owner data_team,
  description 'Customers as exported from the shop database',
  grain id,
  columns (id INTEGER, name TEXT, email TEXT, country TEXT, signup_date DATE),
  audits (not_null(columns := [id, email]), unique_values(columns := [id]))
);
