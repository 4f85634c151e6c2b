MODEL (
  name raw.order_items,
  kind SEED (path '../../seeds/order_items.csv'),
  owner data_team,
  description 'Order lines as exported from the shop database; unit_price is the price actually charged',
  grain (order_id, product_id),
  columns (order_id INTEGER, product_id INTEGER, quantity INTEGER, unit_price NUMERIC(12, 2)),
  audits (unique_combination_of_columns(columns := [order_id, product_id]))
);
