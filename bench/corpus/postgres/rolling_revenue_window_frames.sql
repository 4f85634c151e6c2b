-- Rolling 7-day and month-to-date revenue with explicit window frames
with daily as (
    select order_ts::date as day, sum(amount) as revenue
    from orders
    where status <> 'cancelled'
    group by 1
)
select
    day,
    revenue,
    sum(revenue) over (order by day rows between 6 preceding and current row) as revenue_7_rows,
    avg(revenue) over (order by day range between interval '6 days' preceding and current row) as avg_7_days,
    sum(revenue) over (partition by date_trunc('month', day) order by day
                       rows between unbounded preceding and current row) as revenue_mtd,
    revenue - lag(revenue, 7) over w as wow_change,
    first_value(revenue) over (w rows between unbounded preceding and unbounded following) as first_day_revenue
from daily
window w as (order by day)
order by day
