-- COLUMNS(...) expressions: min, max and null share of every KPI column
select
    min(columns(* exclude (month))),
    max(columns(* exclude (month))),
    avg(columns('^(revenue|cost)$'))
from monthly_kpis
