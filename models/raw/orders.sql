MODEL (
  name raw.orders,
  kind SEED (path '../../seeds/orders.csv'),
  owner data_team,
  description 'Order headers as exported from the shop database',
  grain id,
  columns (id INTEGER, customer_id INTEGER, order_date DATE, status TEXT),
  audits (not_null(columns := [id, customer_id, order_date]), unique_values(columns := [id]))
);
