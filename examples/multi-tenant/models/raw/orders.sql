MODEL (
  name raw.orders,
  kind SEED (path '../../seeds/@VAR(tenant)/orders.csv'),
  description 'Orders as exported from the tenant''s shop',
  grain id,
  columns (id INTEGER, customer_id INTEGER, order_date DATE, amount NUMERIC(12, 2)),
  audits (unique_values(columns := [id]), accepted_range(column := amount, min_v := 0))
);
