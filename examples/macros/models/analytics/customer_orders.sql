MODEL (
  name analytics.customer_orders,
  kind FULL,
  description 'Per customer: orders and cents by status, and how many were large (config variable min_amount)',
  grain customer_id
);

@DEF(statuses, ['paid', 'refunded', 'cancelled']);

-- Before each build, in the build's session.
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.build_log (model TEXT, stage TEXT, row_count BIGINT);

SELECT
  customer_id,
  @EACH(@statuses, s -> COUNT(*) FILTER (WHERE status = s) AS @{s}_orders),
  @EACH(@statuses, s -> SUM(amount_cents) FILTER (WHERE status = s) AS @{s}_cents),
  COUNT(*) FILTER (WHERE amount >= @min_amount) AS large_orders
FROM analytics.orders_enriched
GROUP BY customer_id;

-- After the build: only once the query has run (not when the table is created).
@IF(
  @runtime_stage = 'evaluating',
  INSERT INTO ops.build_log SELECT 'analytics.customer_orders', @runtime_stage, COUNT(*) FROM @this_model
);

-- Once the environment's views are swapped: @this_model is this environment's view.
ON_VIRTUAL_UPDATE_BEGIN;
COMMENT ON VIEW @this_model IS 'Orders per customer and status; see examples/macros';
ON_VIRTUAL_UPDATE_END;
