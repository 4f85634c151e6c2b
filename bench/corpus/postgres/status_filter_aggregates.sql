-- Order counts and amounts per channel, split with FILTER (WHERE ...)
select
    channel,
    count(*) as orders,
    count(*) filter (where status = 'paid') as paid,
    count(*) filter (where status in ('refunded', 'cancelled')) as lost,
    sum(amount) filter (where status = 'paid')::numeric(14, 2) as paid_amount,
    round(100.0 * count(*) filter (where status = 'refunded') / nullif(count(*), 0), 2) as refund_rate_pct
from orders
group by channel
order by paid_amount desc nulls last
