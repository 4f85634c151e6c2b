MODEL (
  name analytics.customer_revenue,
  kind FULL,
  description 'Revenue per customer from orders worth at least the tenant''s minimum amount',
  grain customer_id,
  audits (unique_values(columns := [customer_id]), non_negative(column := revenue))
);

SELECT
  c.id AS customer_id,
  c.name,
  c.country,
  COUNT(o.id) AS orders,
  CAST(COALESCE(SUM(o.amount), 0) AS NUMERIC(12, 2)) AS revenue
FROM raw.customers AS c
LEFT JOIN raw.orders AS o
  ON o.customer_id = c.id
  AND o.amount >= @VAR('min_order_amount', 0)
GROUP BY c.id, c.name, c.country;
