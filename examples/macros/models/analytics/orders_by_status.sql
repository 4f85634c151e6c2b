MODEL (
  name analytics.orders_@status,
  kind VIEW,
  description 'One view per order status: the blueprints below make analytics.orders_paid and analytics.orders_refunded',
  blueprints (
    (status := 'paid'),
    (status := 'refunded'),
  ),
);

SELECT order_id, customer_id, amount_cents
FROM analytics.orders_enriched
WHERE status = @status;
