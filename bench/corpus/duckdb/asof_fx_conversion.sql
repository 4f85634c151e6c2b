-- Convert orders at the last known FX rate with ASOF LEFT JOIN, totals per currency
select
    o.currency,
    count(*) as orders,
    sum(o.amount) as amount_local,
    sum(o.amount * coalesce(fx.usd_per_unit, 1.0))::decimal(14, 2) as amount_usd,
    max(fx.rate_date) as last_rate_date
from orders o
asof left join fx_rates fx
    on o.currency = fx.currency
    and o.order_ts::date >= fx.rate_date
group by o.currency
order by amount_usd desc
