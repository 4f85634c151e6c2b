-- FROM-first syntax: share of each status per channel
from orders
select
    channel,
    status,
    count(*) as n,
    round(100.0 * count(*) / sum(count(*)) over (partition by channel), 2) as pct_of_channel
group by channel, status
order by channel, n desc
