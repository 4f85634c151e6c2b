-- The three largest orders of each enterprise customer with a LATERAL join
select
    c.customer_id,
    c.name,
    t.order_id,
    t.amount,
    t.rank_in_customer
from customers c
cross join lateral (
    select
        o.order_id,
        o.amount,
        row_number() over (order by o.amount desc, o.order_id) as rank_in_customer
    from orders o
    where o.customer_id = c.customer_id
      and o.status <> 'cancelled'
    order by o.amount desc, o.order_id
    limit 3
) as t
where c.tier = 'enterprise'
order by c.customer_id, t.rank_in_customer
