-- A generic audit: no row may hold a negative value in @column.
-- Use it in a model header as: audits (non_negative(column := revenue))
AUDIT (
  name non_negative,
  description 'The column holds no negative value'
);

SELECT *
FROM @this_model
WHERE @column < 0;
