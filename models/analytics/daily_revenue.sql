MODEL (
  name analytics.daily_revenue,
  kind FULL,
  cron '@daily',
  owner analytics_team,
  description 'Completed orders, units and revenue per order day',
  grain order_date,
  audits (unique_values(columns := [order_date]), forall(criteria := [orders > 0, revenue >= 0]))
);

SELECT
  order_date,
  COUNT(*) AS orders,
  CAST(SUM(units) AS BIGINT) AS units,
  CAST(SUM(revenue) AS NUMERIC(12, 2)) AS revenue
FROM analytics.order_totals
WHERE status = 'completed'
GROUP BY order_date;
