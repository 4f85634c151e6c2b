MODEL (
  name analytics.daily_revenue,
  kind FULL,
  owner analytics_team,
  description 'Completed orders and revenue per day',
  grain order_date
);

SELECT
  order_date,
  COUNT(*) AS orders,
  CAST(SUM(amount) AS NUMERIC(12, 2)) AS revenue
FROM staging.orders
WHERE status = 'completed'
GROUP BY order_date;
