MODEL (
  name analytics.customer_orders,
  kind FULL,
  owner analytics_team,
  description 'One row per customer: orders placed and revenue from completed ones',
  grain customer_id
);

SELECT
  c.id AS customer_id,
  c.name,
  c.country,
  COUNT(o.order_id) AS orders,
  CAST(COALESCE(SUM(CASE WHEN o.status = 'completed' THEN o.amount END), 0) AS NUMERIC(12, 2)) AS revenue
FROM raw.customers AS c
LEFT JOIN staging.orders AS o
  ON o.customer_id = c.id
GROUP BY c.id, c.name, c.country;
