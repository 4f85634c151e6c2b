-- Top 3 products per category by revenue, as one row per category with a list
with revenue as (
    select
        p.category,
        p.name,
        sum(oi.quantity * oi.unit_price) as revenue
    from order_items oi
    join products p using (product_id)
    join orders o using (order_id)
    where o.status <> 'cancelled'
    group by p.category, p.name
    qualify rank() over (partition by p.category order by revenue desc) <= 3
)
select
    category,
    list(name order by revenue desc) as top_products,
    list({'name': name, 'revenue': revenue} order by revenue desc)[1] as best,
    sum(revenue) as top3_revenue
from revenue
group by category
order by top3_revenue desc
