-- Signup-to-purchase funnel with a MATERIALIZED CTE, bool_or and EXISTS
with user_steps as materialized (
    select
        user_id,
        bool_or(event_type = 'page_view') as viewed,
        bool_or(event_type = 'add_to_cart') as carted,
        bool_or(event_type = 'checkout') as checked_out,
        min(event_ts) filter (where event_type = 'purchase') as first_purchase_at
    from events
    group by user_id
)
select
    c.tier,
    count(*) as users,
    count(*) filter (where us.viewed) as viewed,
    count(*) filter (where us.carted) as carted,
    count(*) filter (where us.checked_out) as checked_out,
    count(*) filter (where us.first_purchase_at is not null) as purchased,
    count(*) filter (where exists (
        select 1 from subscriptions s
        where s.customer_id = c.customer_id and s.ended_on is null
    )) as subscribed
from customers c
join user_steps us on us.user_id = c.customer_id
group by c.tier
order by c.tier
