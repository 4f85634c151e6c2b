MODEL (
  name staging.customers,
  kind VIEW,
  owner data_team,
  description 'Customers with cleaned names, lower-case emails and upper-case country codes',
  grain customer_id
);

SELECT
  id AS customer_id,
  TRIM(name) AS customer_name,
  LOWER(TRIM(email)) AS email,
  UPPER(TRIM(country)) AS country_code,
  CAST(signup_date AS DATE) AS signup_date
FROM raw.customers;
