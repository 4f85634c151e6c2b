MODEL (
  name raw.orders,
  kind SEED (path '../../seeds/orders.csv'),
  owner data_team,
  description 'Orders as exported from the shop',
  grain id,
  columns (id INTEGER, customer_id INTEGER, order_date DATE, status TEXT, amount NUMERIC(12, 2))
);
