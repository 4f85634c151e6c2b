-- Daily funnel with FILTER, list literals and a struct per day
from events
select
    event_ts::date as day,
    count(distinct user_id) filter (where event_type = 'page_view') as viewers,
    count(distinct user_id) filter (where event_type = 'add_to_cart') as carters,
    count(distinct user_id) filter (where event_type = 'purchase') as buyers,
    {'mobile': count(*) filter (where properties->>'device' = 'mobile'),
     'desktop': count(*) filter (where properties->>'device' = 'desktop')} as by_device,
    [viewers, carters, buyers] as funnel,
    arg_max(page, event_ts) as last_page
group by all
order by day
