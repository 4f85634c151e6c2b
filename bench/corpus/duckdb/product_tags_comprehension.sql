-- Product tag clean-up with list comprehension and list functions
select
    product_id,
    name,
    [upper(t) for t in tags if t <> 'sale'] as display_tags,
    list_contains(tags, 'sale') as on_sale,
    len(tags) as n_tags,
    [x * list_price for x in [0.9, 0.8, 0.7]] as discount_ladder,
    tags[1] as primary_tag
from products
order by product_id
