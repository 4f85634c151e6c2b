-- Long format of the monthly KPI table, then month-over-month change per metric
with long as (
    unpivot monthly_kpis
    on columns(* exclude (month))
    into name metric value val
)
select
    month,
    metric,
    val,
    val - lag(val) over (partition by metric order by month) as mom_change
from long
order by metric, month
