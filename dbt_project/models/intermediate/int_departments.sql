-- One row per publishing unit (部门 / 单位), keyed by its normalised name; the
-- snapshot snap_departments keeps the history of its region and printed name.
with documents as (
    select * from {{ ref('int_documents') }}
    where department_key is not null
)

select
    department_key,
    unit_name_normalised as department_name,
    -- the latest spelling as printed, and the region it resolved to then
    arg_max(unit_name, struct_pack(fiscal_year, parsed_at, document_sha256)) as unit_name_as_printed,
    arg_max(region_code, struct_pack(fiscal_year, parsed_at, document_sha256)) as region_code,
    min(fiscal_year) as first_fiscal_year,
    max(fiscal_year) as last_fiscal_year,
    count(*) as n_documents
from documents
group by department_key, unit_name_normalised
