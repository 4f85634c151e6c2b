-- Salary bands per department: ntile, percent_rank, width_bucket, NULLS LAST
select
    department,
    name,
    salary,
    ntile(4) over (partition by department order by salary) as quartile,
    round(percent_rank() over (partition by department order by salary)::numeric, 3) as pct_rank,
    width_bucket(salary, 60000, 150000, 9) as band,
    salary - avg(salary) over (partition by department) as diff_from_dept_avg,
    date_part('year', age(date '2024-12-31', hired_on))::int as years_of_service
from employees
order by department, salary desc nulls last
