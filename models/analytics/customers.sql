MODEL (
  name analytics.customers,
  kind FULL,
  cron '@daily',
  owner analytics_team,
  description 'One row per customer with order history; customers without orders have zero counts and revenue',
  grain customer_id,
  audits (unique_values(columns := [customer_id]), number_of_rows(threshold := 1))
);

WITH order_stats AS (
  SELECT
    customer_id,
    MIN(order_date) AS first_order_date,
    MAX(order_date) AS last_order_date,
    COUNT(*) AS total_orders,
    COUNT(CASE WHEN status = 'completed' THEN 1 END) AS completed_orders,
    SUM(CASE WHEN status = 'completed' THEN revenue ELSE 0 END) AS lifetime_revenue
  FROM analytics.order_totals
  GROUP BY customer_id
)
SELECT
  c.customer_id,
  c.customer_name,
  c.email,
  c.country_code,
  c.signup_date,
  s.first_order_date,
  s.last_order_date,
  COALESCE(s.total_orders, 0) AS total_orders,
  COALESCE(s.completed_orders, 0) AS completed_orders,
  CAST(COALESCE(s.lifetime_revenue, 0) AS NUMERIC(12, 2)) AS lifetime_revenue
FROM staging.customers AS c
LEFT JOIN order_stats AS s
  ON s.customer_id = c.customer_id;
