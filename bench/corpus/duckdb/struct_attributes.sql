-- Structs: read fields, build struct literals, and unnest them into columns
select
    p.product_id,
    p.attributes.color as color,
    p.attributes['weight_kg'] as weight_kg,
    {'id': p.product_id, 'category': p.category, 'price': p.list_price} as summary,
    unnest({'heavy': p.attributes.weight_kg > 2, 'band': p.list_price // 50})
from products p
where p.attributes.color in ['red', 'blue']
order by p.product_id
