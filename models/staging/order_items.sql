MODEL (
  name staging.order_items,
  kind VIEW,
  owner data_team,
  description 'Order lines with the amount charged per line',
  grain (order_id, product_id)
);

SELECT
  order_id,
  product_id,
  quantity,
  CAST(unit_price AS NUMERIC(12, 2)) AS unit_price,
  CAST(quantity * unit_price AS NUMERIC(12, 2)) AS line_amount
FROM raw.order_items
WHERE quantity > 0;
