-- Every version of every customer: a newer updated_at closes the current row and opens
-- a new one; a customer gone from the CRM is closed at the run's time.
MODEL (
  name analytics.customer_history,
  kind SCD_TYPE_2_BY_TIME (unique_key id, invalidate_hard_deletes true),
  grain [id, valid_from],
  description 'Customers with history: one row per version, valid_from <= t < valid_to (NULL: current)'
);

SELECT id, name, tier, updated_at
FROM crm.customers
