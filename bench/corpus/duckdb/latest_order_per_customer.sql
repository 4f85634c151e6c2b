-- Latest paid order of each customer, deduplicated with QUALIFY
select
    o.customer_id,
    c.country,
    o.order_id,
    o.order_ts,
    o.amount
from orders as o
join customers as c using (customer_id)
where o.status = 'paid'
qualify row_number() over (partition by o.customer_id order by o.order_ts desc, o.order_id desc) = 1
order by o.order_ts desc
