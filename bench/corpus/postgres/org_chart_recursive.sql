-- Reporting chains and team sizes with WITH RECURSIVE
with recursive chain as (
    select
        employee_id,
        manager_id,
        name,
        department,
        salary,
        1 as depth,
        array[employee_id] as path,
        name::text as path_names
    from employees
    where manager_id is null
    union all
    select
        e.employee_id,
        e.manager_id,
        e.name,
        e.department,
        e.salary,
        c.depth + 1,
        c.path || e.employee_id,
        c.path_names || ' / ' || e.name
    from employees e
    join chain c on e.manager_id = c.employee_id
    where not e.employee_id = any(c.path)
)
select
    c.employee_id,
    c.name,
    c.depth,
    c.path_names,
    (select count(*) from chain sub where c.employee_id = any(sub.path) and sub.employee_id <> c.employee_id) as reports_total,
    (select sum(sub.salary) from chain sub where c.employee_id = any(sub.path))::numeric(14, 2) as org_cost
from chain c
order by c.depth, c.employee_id
