-- Monthly revenue with ::casts, date_trunc and to_char
select
    date_trunc('month', o.order_ts)::date as month,
    to_char(date_trunc('month', o.order_ts), 'YYYY-MM') as month_label,
    c.country,
    count(*)::int as orders,
    sum(o.amount)::numeric(14, 2) as revenue,
    (sum(o.amount) / count(distinct o.customer_id))::numeric(12, 2) as revenue_per_customer
from orders o
join customers c on c.customer_id = o.customer_id
where o.status in ('paid', 'shipped')
  and o.order_ts >= '2024-01-01'::timestamptz
group by 1, 2, 3
order by 1, 3
