MODEL (
  name analytics.paid_orders,
  kind VIEW,
  description 'Paid orders; set include_refunds to true in the config variables to keep refunds too'
);

SELECT order_id, customer_id, amount_cents
FROM analytics.orders_enriched
WHERE status IN @IF(@VAR('include_refunds', false), ('paid', 'refunded'), ('paid'));
