MODEL (
  name staging.products,
  kind VIEW,
  owner data_team,
  description 'Products with typed list prices',
  grain product_id
);

SELECT
  id AS product_id,
  TRIM(name) AS product_name,
  LOWER(TRIM(category)) AS category,
  CAST(unit_price AS NUMERIC(12, 2)) AS list_price
FROM raw.products;
