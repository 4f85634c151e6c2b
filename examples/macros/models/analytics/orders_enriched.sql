MODEL (
  name analytics.orders_enriched,
  kind FULL,
  description 'Every order without the free-text note, with its amount in cents and a surrogate key',
  grain order_key
);

SELECT
  @GENERATE_SURROGATE_KEY(order_id, customer_id) AS order_key,
  @STAR(raw.orders, exclude := [note]),
  @to_cents(amount) AS amount_cents
FROM raw.orders;
