-- A department's republished budget replaces the earlier one: at most one current
-- version per department, fiscal year and document type.
select department_key, fiscal_year, doc_type, count(*) as n_current
from {{ ref('dim_document') }}
where is_current_version and department_key is not null
group by all
having count(*) > 1
