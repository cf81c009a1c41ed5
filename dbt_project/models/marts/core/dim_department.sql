-- Publishing units (部门 / 单位), current version of each from the snapshot.
with snapshot as (
    select * from {{ ref('snap_departments') }}
),

versions as (
    select department_key, count(*) as n_versions, min(dbt_valid_from) as first_seen_at
    from snapshot
    group by department_key
)

select
    snapshot.department_key,
    snapshot.department_name,
    snapshot.unit_name_as_printed,
    snapshot.region_code,
    snapshot.first_fiscal_year,
    snapshot.last_fiscal_year,
    snapshot.dbt_valid_from as current_since,
    versions.first_seen_at,
    versions.n_versions
from snapshot
inner join versions using (department_key)
where snapshot.dbt_valid_to is null
