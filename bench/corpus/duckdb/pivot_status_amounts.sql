-- Order amounts per customer and status as columns, with the PIVOT statement
pivot (
    select customer_id, status, amount from orders
)
on status in ('paid', 'shipped', 'refunded', 'cancelled', 'pending')
using sum(amount) as total, count(*) as cnt
group by customer_id
order by customer_id
