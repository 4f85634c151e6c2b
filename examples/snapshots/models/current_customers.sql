MODEL (name analytics.current_customers, kind VIEW);

SELECT id, name, tier, valid_from AS customer_since
FROM analytics.customer_history
WHERE valid_to IS NULL
