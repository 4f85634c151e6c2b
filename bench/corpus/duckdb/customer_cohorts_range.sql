-- Monthly signup cohorts against a calendar built with range(), using lambdas on lists
with calendar as (
    select unnest(range(date '2023-01-01', date '2024-06-01', interval 1 month))::date as month
),
cohorts as (
    select date_trunc('month', signup_date)::date as cohort, list(customer_id) as members
    from customers
    group by all
)
select
    cal.month,
    coalesce(len(c.members), 0) as new_customers,
    coalesce(list_count(list_filter(c.members, lambda id: id % 2 = 0)), 0) as even_ids,
    sum(coalesce(len(c.members), 0)) over (order by cal.month) as cumulative_customers
from calendar cal
left join cohorts c on c.cohort = cal.month
order by cal.month
