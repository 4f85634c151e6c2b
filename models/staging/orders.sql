MODEL (
  name staging.orders,
  kind VIEW,
  owner data_team,
  description 'Orders with typed columns and only real statuses',
  grain order_id,
  audits (accepted_values(column := status, is_in := ['completed', 'pending', 'cancelled']))
);

SELECT
  id AS order_id,
  customer_id,
  CAST(order_date AS DATE) AS order_date,
  status
FROM raw.orders
WHERE status IN ('completed', 'pending', 'cancelled');
