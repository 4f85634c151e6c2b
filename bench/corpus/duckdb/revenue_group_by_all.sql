-- Monthly revenue in USD by country and channel, grouped with GROUP BY ALL
select
    date_trunc('month', o.order_ts)::date as month,
    c.country,
    o.channel,
    count(*) as orders,
    sum(o.amount * fx.usd_per_unit)::decimal(14, 2) as revenue_usd,
    avg(o.amount * fx.usd_per_unit)::decimal(14, 2) as aov_usd
from orders o
join customers c on c.customer_id = o.customer_id
join fx_rates fx on fx.currency = o.currency and fx.rate_date = o.order_ts::date
where o.status in ('paid', 'shipped')
group by all
order by all
