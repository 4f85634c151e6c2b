-- URL parsing with split_part, regexp_replace, unnest WITH ORDINALITY
select
    split_part(e.page, '/', 2) as section,
    regexp_replace(e.page, '-[0-9]+$', '') as page_template,
    seg.ordinality as depth,
    seg.segment,
    count(*) as hits,
    count(distinct e.user_id) as users
from events e
cross join lateral unnest(string_to_array(trim(leading '/' from e.page), '/')) with ordinality as seg(segment, ordinality)
where e.event_type = 'page_view'
  and e.event_ts >= timestamptz '2024-03-01 00:00:00+00' - interval '30 days'
group by 1, 2, 3, 4
order by hits desc
