-- Each trade priced at the most recent quote before it (ASOF JOIN)
select
    t.symbol,
    t.ts as trade_ts,
    q.ts as quote_ts,
    t.qty,
    (q.bid + q.ask) / 2 as mid,
    t.qty * (q.bid + q.ask) / 2 as notional,
    date_diff('second', q.ts, t.ts) as quote_age_s
from trades t
asof join quotes q
    on t.symbol = q.symbol
    and t.ts >= q.ts
order by t.symbol, t.ts
