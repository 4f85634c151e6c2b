MODEL (
  name staging.orders,
  kind VIEW,
  owner data_team,
  description 'Orders with known statuses only',
  grain order_id
);

SELECT
  id AS order_id,
  customer_id,
  order_date,
  status,
  amount
FROM raw.orders
WHERE status IN ('completed', 'pending', 'cancelled');
