-- Tier changes only: a row changes when its tier does, whatever else the CRM touched.
MODEL (
  name analytics.tier_history,
  kind SCD_TYPE_2_BY_COLUMN (unique_key id, columns [tier], invalidate_hard_deletes true)
);

SELECT id, tier
FROM crm.customers
