MODEL (
  name raw.customers,
  kind SEED (path '../../seeds/customers.csv'),
  owner data_team,
  description 'Customers as exported from the shop',
  grain id,
  columns (id INTEGER, name TEXT, country TEXT, signup_date DATE)
);
