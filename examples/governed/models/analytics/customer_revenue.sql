MODEL (
  name analytics.customer_revenue,
  kind FULL,
  grain customer_id,
  description 'Revenue per customer, with the email the shop contacts them at'
);

SELECT
  c.id AS customer_id,
  c.email,
  c.country,
  COUNT(o.id) AS orders,
  COALESCE(SUM(o.amount), 0) AS revenue
FROM raw.customers AS c
LEFT JOIN raw.orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.email, c.country
