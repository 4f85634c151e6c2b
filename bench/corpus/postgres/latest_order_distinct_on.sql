-- Latest paid order of each customer with DISTINCT ON
select distinct on (o.customer_id)
    o.customer_id,
    c.country,
    o.order_id,
    o.order_ts,
    o.amount
from orders as o
join customers as c using (customer_id)
where o.status = 'paid'
order by o.customer_id, o.order_ts desc, o.order_id desc
