-- Subtotals by country and tier with ROLLUP and GROUPING()
select
    coalesce(c.country, 'ALL') as country,
    case when grouping(c.tier) = 1 then 'ALL' else c.tier end as tier,
    grouping(c.country, c.tier) as level,
    count(distinct c.customer_id) as customers,
    sum(o.amount)::numeric(14, 2) as revenue
from customers c
left join orders o on o.customer_id = c.customer_id and o.status = 'paid'
group by rollup (c.country, c.tier)
order by grouping(c.country, c.tier), country, tier
