-- Customer dimension without PII, with normalised columns
select
    * exclude (email, referrer_id)
    replace (upper(country) as country, coalesce(tier, 'free') as tier),
    split_part(email, '@', 2) as email_domain,
    date_diff('day', signup_date, date '2024-12-31') as tenure_days
from customers
