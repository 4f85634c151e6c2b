MODEL (
  name raw.orders,
  kind SEED (path '../../seeds/orders.csv'),
  description 'Orders as the shop exports them',
  grain order_id,
  columns (order_id INTEGER, customer_id INTEGER, status TEXT, amount DECIMAL(10, 2), ordered_at TIMESTAMP, note TEXT)
);
