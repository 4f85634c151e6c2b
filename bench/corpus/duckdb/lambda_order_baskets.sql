-- Basket analysis with lambda functions over aggregated lists
with baskets as (
    select
        order_id,
        list(product_id order by product_id) as product_ids,
        list(quantity * unit_price) as line_totals
    from order_items
    group by order_id
)
select
    order_id,
    product_ids,
    list_filter(line_totals, x -> x > 100) as big_lines,
    list_transform(line_totals, x -> round(x * 1.2, 2)) as with_vat,
    list_reduce(line_totals, (a, b) -> a + b) as basket_total,
    list_sort(product_ids, 'DESC') as ids_desc
from baskets
where len(product_ids) > 1
order by basket_total desc
limit 100
