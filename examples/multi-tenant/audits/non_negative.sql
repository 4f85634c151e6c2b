-- No row may hold a negative value in @column.
AUDIT (name non_negative);

SELECT * FROM @this_model WHERE @column < 0;
