-- Subscription retention by monthly cohort: age(), extract(epoch), interval math
with subs as (
    select
        s.*,
        date_trunc('month', s.started_on)::date as cohort,
        coalesce(s.ended_on, date '2024-12-31') as effective_end
    from subscriptions s
),
months as (
    select generate_series(0, 12) as month_offset
)
select
    subs.cohort,
    m.month_offset,
    count(*) filter (where subs.effective_end >= subs.cohort + make_interval(months => m.month_offset)) as active,
    count(*) as cohort_size,
    avg(extract(epoch from age(subs.effective_end, subs.started_on)) / 86400)::numeric(10, 1) as avg_life_days,
    sum(subs.mrr) filter (where subs.ended_on is null) as live_mrr
from subs
cross join months m
where subs.cohort + make_interval(months => m.month_offset) <= date '2024-12-31'
group by subs.cohort, m.month_offset
order by subs.cohort, m.month_offset
