-- Daily order counts on a complete calendar built with generate_series
with calendar as (
    select d::date as day
    from generate_series('2024-01-01'::date, '2024-03-31'::date, interval '1 day') as g(d)
),
daily as (
    select order_ts::date as day, count(*) as orders, sum(amount) as revenue
    from orders
    group by 1
)
select
    cal.day,
    extract(isodow from cal.day)::int as iso_dow,
    coalesce(d.orders, 0) as orders,
    coalesce(d.revenue, 0)::numeric(14, 2) as revenue
from calendar cal
left join daily d using (day)
order by cal.day
