-- Each customer's order history as ordered arrays and strings
select
    o.customer_id,
    array_agg(o.order_id order by o.order_ts) as order_ids,
    array_agg(distinct o.channel order by o.channel) as channels,
    string_agg(o.status, ' > ' order by o.order_ts) as status_path,
    (array_agg(o.amount order by o.order_ts desc))[1] as last_amount,
    cardinality(array_agg(o.order_id)) as n_orders
from orders o
group by o.customer_id
having count(*) >= 5
order by n_orders desc, o.customer_id
