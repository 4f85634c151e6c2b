-- Masked e-mail addresses with string slicing
select
    customer_id,
    email[1:2] || '***' || email[position('@' in email):] as masked_email,
    name[-3:] as name_suffix,
    upper(country[1:1]) as country_initial,
    regexp_extract(email, '@([a-z]+)\.', 1) as provider
from customers
order by customer_id
