MODEL (
  name raw.products,
  kind SEED (path '../../seeds/products.csv'),
  owner data_team,
  description 'Product catalogue as exported from the shop database',
  grain id,
  columns (id INTEGER, name TEXT, category TEXT, unit_price NUMERIC(12, 2)),
  audits (unique_values(columns := [id]), accepted_range(column := unit_price, min_v := 0))
);
