-- Product search with ILIKE, SIMILAR TO and array containment
select
    p.product_id,
    p.name,
    p.category,
    p.tags,
    'sale' = any(p.tags) as on_sale,
    p.tags && array['eco', 'gift'] as giftable,
    p.list_price
from products p
where (p.name ilike '%deluxe%' or p.name ilike '%pro')
  and p.category not similar to '(books|games)'
  and p.list_price between 10 and 150
order by p.list_price desc, p.product_id
