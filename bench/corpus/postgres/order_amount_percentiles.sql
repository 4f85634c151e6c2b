-- Order amount distribution: percentile_cont / percentile_disc WITHIN GROUP and mode()
select
    channel,
    count(*) as orders,
    percentile_cont(0.5) within group (order by amount) as median_amount,
    percentile_cont(array[0.25, 0.75, 0.95]) within group (order by amount) as quartiles_p95,
    percentile_disc(0.9) within group (order by amount) as p90_amount,
    mode() within group (order by currency) as main_currency,
    stddev_samp(amount)::numeric(12, 2) as stddev_amount
from orders
where status in ('paid', 'shipped')
group by channel
order by median_amount desc
