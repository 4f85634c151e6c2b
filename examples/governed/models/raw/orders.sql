MODEL (
  name raw.orders,
  kind SEED (path '../../seeds/orders.csv'),
  grain id,
  columns (id INTEGER, customer_id INTEGER, order_date DATE, status TEXT, amount DECIMAL(10, 2))
);
