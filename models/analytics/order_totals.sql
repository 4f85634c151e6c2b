MODEL (
  name analytics.order_totals,
  kind FULL,
  cron '@daily',
  owner analytics_team,
  description 'One row per order: number of lines, units and revenue from its items',
  grain order_id,
  audits (
    not_null(columns := [order_id, customer_id, order_date]),
    unique_values(columns := [order_id]),
    accepted_range(column := revenue, min_v := 0)
  )
);

SELECT
  o.order_id,
  o.customer_id,
  o.order_date,
  o.status,
  COUNT(i.product_id) AS item_count,
  CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) AS units,
  CAST(COALESCE(SUM(i.line_amount), 0) AS NUMERIC(12, 2)) AS revenue
FROM staging.orders AS o
LEFT JOIN staging.order_items AS i
  ON i.order_id = o.order_id
GROUP BY
  o.order_id,
  o.customer_id,
  o.order_date,
  o.status;
