-- A tiny synthetic TPC-H data set (not dbgen's; values chosen so that every query
-- of tpch/ finds rows). Runs on DuckDB and PostgreSQL after tpch-schema.sql.
insert into region
select r, rn, 'region ' || rn
from (values (0, 'AFRICA'), (1, 'AMERICA'), (2, 'ASIA'), (3, 'EUROPE'), (4, 'MIDDLE EAST')) as v(r, rn);

insert into nation
select n, nn, r, 'nation ' || nn
from (values
    (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (2, 'BRAZIL', 1), (3, 'CANADA', 1), (4, 'EGYPT', 4),
    (5, 'ETHIOPIA', 0), (6, 'FRANCE', 3), (7, 'GERMANY', 3), (8, 'INDIA', 2), (9, 'INDONESIA', 2),
    (10, 'IRAN', 4), (11, 'IRAQ', 4), (12, 'JAPAN', 2), (13, 'JORDAN', 4), (14, 'KENYA', 0),
    (15, 'MOROCCO', 0), (16, 'MOZAMBIQUE', 0), (17, 'PERU', 1), (18, 'CHINA', 2), (19, 'ROMANIA', 3),
    (20, 'SAUDI ARABIA', 4), (21, 'VIETNAM', 2), (22, 'RUSSIA', 3), (23, 'UNITED KINGDOM', 3), (24, 'UNITED STATES', 1)
) as v(n, nn, r);

insert into part
select
    i,
    (case i % 5 when 0 then 'forest green' when 1 then 'green lace' when 2 then 'forest blush'
        when 3 then 'almond misty' else 'navy khaki' end) || ' part ' || i,
    'Manufacturer#' || (1 + i % 5),
    'Brand#' || (1 + i % 5) || (1 + i % 4),
    (case i % 6 when 0 then 'ECONOMY ANODIZED STEEL' when 1 then 'PROMO BRUSHED BRASS'
        when 2 then 'MEDIUM POLISHED TIN' when 3 then 'STANDARD PLATED BRASS'
        when 4 then 'LARGE BURNISHED COPPER' else 'SMALL ANODIZED NICKEL' end),
    1 + i % 41,
    (case i % 4 when 0 then 'SM CASE' when 1 then 'MED BOX' when 2 then 'LG PACK' else 'WRAP JAR' end),
    cast(900 + i % 200 as decimal(15, 2)),
    'comment ' || i
from generate_series(1, 200) as g(i);

insert into supplier
select
    i,
    'Supplier#' || i,
    'address ' || i,
    i % 25,
    (10 + i % 25) || '-555-' || (100 + i) || '-0000',
    cast(i * 37 % 10000 - 999 as decimal(15, 2)),
    case when i % 7 = 0 then 'some Customer late Complaints' else 'regular supplier ' || i end
from generate_series(1, 25) as g(i);

insert into partsupp
select
    p,
    1 + (p + s * 7) % 25,
    1 + (p * 13 + s) % 9999,
    cast(1 + (p * 7 + s * 3) % 1000 as decimal(15, 2)),
    'partsupp ' || p || ' ' || s
from generate_series(1, 200) as g(p), generate_series(0, 3) as h(s);

insert into customer
select
    i,
    'Customer#' || i,
    'address ' || i,
    i % 25,
    (10 + i % 25) || '-555-' || (100 + i) || '-0000',
    cast(i * 71 % 10000 - 999 as decimal(15, 2)),
    (case i % 5 when 0 then 'BUILDING' when 1 then 'AUTOMOBILE' when 2 then 'MACHINERY'
        when 3 then 'HOUSEHOLD' else 'FURNITURE' end),
    'customer ' || i
from generate_series(1, 150) as g(i);

-- customers whose key is a multiple of 3 place no orders (Q13, Q22)
insert into orders
select
    i,
    c,
    case when i % 3 = 0 then 'O' else 'F' end,
    cast(1000 + i * 17 % 400000 as decimal(15, 2)),
    date '1992-01-01' + cast(i * 7 % 2400 as integer),
    (case i % 5 when 0 then '1-URGENT' when 1 then '2-HIGH' when 2 then '3-MEDIUM'
        when 3 then '4-NOT SPECIFIED' else '5-LOW' end),
    'Clerk#' || (i % 50),
    0,
    case when i % 11 = 0 then 'special deposits requests' else 'order ' || i end
from (
    select i, 1 + (i * 7 % 150) as c from generate_series(1, 1500) as g(i)
) as o
where c % 3 <> 0;

insert into lineitem
select
    o_orderkey,
    p,
    1 + (p + (o_orderkey + n) % 4 * 7) % 25,
    n,
    cast(q as decimal(15, 2)),
    cast(q * (900 + p % 200) as decimal(15, 2)),
    cast(((o_orderkey + n) % 11) / 100.0 as decimal(15, 2)),
    cast(((o_orderkey + n) % 9) / 100.0 as decimal(15, 2)),
    case when o_orderdate > date '1995-06-17' then 'N' when n % 2 = 0 then 'R' else 'A' end,
    case when o_orderdate > date '1995-06-17' then 'O' else 'F' end,
    o_orderdate + cast(1 + n * 13 % 120 as integer),
    o_orderdate + cast(30 + n * 7 % 60 as integer),
    o_orderdate + cast(2 + n * 13 % 120 + n * 11 % 30 as integer),
    (case n % 4 when 0 then 'DELIVER IN PERSON' when 1 then 'COLLECT COD' when 2 then 'NONE' else 'TAKE BACK RETURN' end),
    (case (o_orderkey + n) % 7 when 0 then 'AIR' when 1 then 'AIR REG' when 2 then 'MAIL' when 3 then 'SHIP'
        when 4 then 'TRUCK' when 5 then 'RAIL' else 'FOB' end),
    'lineitem ' || o_orderkey || ' ' || n
from (
    select
        o_orderkey, o_orderdate, n, 1 + (o_orderkey * 31 + n * 17) % 200 as p,
        -- every 97th order is a large one (Q18)
        case when o_orderkey % 97 = 0 then 50 else 1 + (o_orderkey * 3 + n * 11) % 50 end as q
    from orders, generate_series(1, 7) as g(n)
    where n <= 1 + o_orderkey % 7
) as l;
