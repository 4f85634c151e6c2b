-- Attribution from JSONB event properties (->, ->>, @>, ?, jsonb_array_elements_text)
select
    e.properties -> 'utm' ->> 'source' as utm_source,
    e.properties ->> 'device' as device,
    count(*) as events,
    count(distinct e.user_id) as users,
    sum((e.properties ->> 'value')::int) as total_value,
    count(*) filter (where e.properties @> '{"device": "mobile"}') as mobile_events,
    count(distinct item.value) as distinct_items
from events e
cross join lateral jsonb_array_elements_text(e.properties -> 'items') as item(value)
where e.properties ? 'utm'
  and e.event_type = 'purchase'
group by 1, 2
order by total_value desc
