-- Sessionise events (30 minute gap), then keep sessions with a purchase
with marked as (
    select
        *,
        case
            when event_ts - lag(event_ts) over w > interval 30 minute then 1
            else 0
        end as new_session
    from events
    window w as (partition by user_id order by event_ts)
),
sessions as (
    select
        *,
        sum(new_session) over (partition by user_id order by event_ts rows between unbounded preceding and current row) as session_no
    from marked
)
select
    user_id,
    session_no,
    min(event_ts) as started_at,
    max(event_ts) as ended_at,
    count(*) as events,
    list(distinct event_type) as event_types,
    any_value(properties->>'$.utm.source') as utm_source,
    max(event_ts) - min(event_ts) as duration
from sessions
group by all
having bool_or(event_type = 'purchase')
order by user_id, session_no
