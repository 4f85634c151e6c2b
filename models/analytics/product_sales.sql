MODEL (
  name analytics.product_sales,
  kind FULL,
  cron '@daily',
  owner analytics_team,
  description 'Units sold and revenue per product and category, completed orders only; unsold products show zero',
  grain product_id,
  audits (unique_values(columns := [product_id]), non_negative(column := units_sold), non_negative(column := revenue))
);

WITH completed_items AS (
  SELECT
    i.product_id,
    i.order_id,
    i.quantity,
    i.line_amount
  FROM staging.order_items AS i
  INNER JOIN staging.orders AS o
    ON o.order_id = i.order_id
  WHERE o.status = 'completed'
)
SELECT
  p.product_id,
  p.product_name,
  p.category,
  COUNT(DISTINCT ci.order_id) AS orders,
  CAST(COALESCE(SUM(ci.quantity), 0) AS BIGINT) AS units_sold,
  CAST(COALESCE(SUM(ci.line_amount), 0) AS NUMERIC(12, 2)) AS revenue
FROM staging.products AS p
LEFT JOIN completed_items AS ci
  ON ci.product_id = p.product_id
GROUP BY
  p.product_id,
  p.product_name,
  p.category;
