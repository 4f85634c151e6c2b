MODEL (
  name raw.customers,
  kind SEED (path '../../seeds/customers.csv'),
  grain id,
  columns (id INTEGER, name TEXT, email TEXT, country TEXT)
);
